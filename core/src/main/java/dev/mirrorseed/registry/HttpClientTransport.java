package dev.mirrorseed.registry;

import dev.mirrorseed.registry.proxy.ProxyRoutes;
import dev.mirrorseed.registry.proxy.ProxyServer;
import dev.mirrorseed.registry.proxy.ProxyTunnelAuth;
import dev.mirrorseed.registry.tls.ClientCertificateProbe;
import dev.mirrorseed.registry.tls.RegistryTls;
import dev.mirrorseed.registry.tls.TlsTrust;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * The bottom {@link Transport}: one JDK {@link HttpClient} per registry, so connections are pooled and
 * reused, with that registry's own TLS context and proxy route. Failures below HTTP leave it as a
 * {@link TlsFailure} or {@link ProxyFailure} that knows what was trusted or which proxy was used.
 */
final class HttpClientTransport implements Transport {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final int PROXY_AUTHENTICATION_REQUIRED = 407;
  /** How the JDK reports a CONNECT the proxy answered with neither 200 nor 407. */
  private static final Pattern TUNNEL_FAILED = Pattern.compile("Tunnel failed, got: (\\d{3})");

  /** Built at first use: a plain-HTTP registry's pushes and checks never need it (SendfileTransport). */
  private final HttpClient.Builder builder;
  private HttpClient http;
  private final RegistryTls tls;
  private final URI registry;
  private final ProxyServer proxy;

  /**
   * @throws IllegalArgumentException when a CA or client certificate file cannot be used
   * @throws IllegalStateException when the proxy has credentials this JVM will not send through a tunnel
   */
  HttpClientTransport(RegistryEndpoint endpoint, TlsTrust trust, ProxyRoutes routes) {
    this.tls = endpoint.plainHttp() ? null : RegistryTls.of(trust);
    this.registry = endpoint.baseUri();
    this.proxy = routes.forUri(endpoint.baseUri()).orElse(null);
    HttpClient.Builder builder = HttpClient.newBuilder()
        // HTTP/2 would first try an h2c upgrade on plain HTTP, which some registries and proxies
        // mishandle on PUT bodies; registries gain nothing from HTTP/2 for a few large bodies.
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(CONNECT_TIMEOUT)
        // Redirects are followed by the Redirects transport, which keeps credentials on their origin.
        .followRedirects(HttpClient.Redirect.NEVER)
        // Explicitly direct when no route applies: the JDK's default selector would honour
        // http.proxyHost and friends, a second, JVM-wide proxy setting nobody expects here.
        .proxy(proxy == null ? HttpClient.Builder.NO_PROXY : proxy.selector());
    if (tls != null) {
      builder.sslContext(tls.context());
    }
    if (proxy != null && proxy.hasCredentials()) {
      if (tls != null && !ProxyTunnelAuth.basicAllowed()) {
        throw new IllegalStateException(proxy.variable() + " has credentials for " + proxy.url() + ", but this"
            + " JVM does not send Basic credentials to proxies for HTTPS: call ProxyTunnelAuth.allowBasic() first"
            + " thing in main, or run java with -Djdk.http.auth.tunneling.disabledSchemes=");
      }
      proxy.authenticator().ifPresent(builder::authenticator);
    }
    this.builder = builder;
  }

  private synchronized HttpClient http() {
    if (http == null) {
      http = builder.build();
    }
    return http;
  }

  @Override
  public HttpResponse<byte[]> send(HttpRequest request, HttpResponse.BodyHandler<byte[]> body)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> response;
    try {
      response = http().send(request, body);
    } catch (IOException e) {
      throw belowHttp(e);
    }
    // Only a proxy answers 407; through a tunnel the JDK hands back the proxy's answer to CONNECT.
    if (proxy != null && response.statusCode() == PROXY_AUTHENTICATION_REQUIRED) {
      throw new ProxyFailure(proxy, ProxyFailure.Kind.CREDENTIALS_REFUSED, 407, null);
    }
    return response;
  }

  /** {@code e} as a TLS or proxy failure when it is one, else unchanged. */
  private IOException belowHttp(IOException e) {
    if (proxy != null) {
      Matcher tunnel = TUNNEL_FAILED.matcher(String.valueOf(e.getMessage()));
      if (tunnel.find()) {
        int status = Integer.parseInt(tunnel.group(1));
        // tinyproxy answers a CONNECT with wrong Basic credentials 401, not 407: both mean the credentials.
        return new ProxyFailure(proxy, status == 401 || status == PROXY_AUTHENTICATION_REQUIRED
            ? ProxyFailure.Kind.CREDENTIALS_REFUSED : ProxyFailure.Kind.TUNNEL_REFUSED, status, e);
      }
      // With a proxy, every connection this client opens goes to the proxy.
      if (e instanceof HttpConnectTimeoutException || has(e, ConnectException.class)
          || has(e, UnresolvedAddressException.class)) {
        return new ProxyFailure(proxy, ProxyFailure.Kind.UNREACHABLE, 0, e);
      }
      if (String.valueOf(e.getMessage()).contains("too many authentication attempts")) {
        // The JDK's way of saying the proxy kept answering 407 to our credentials.
        return new ProxyFailure(proxy, ProxyFailure.Kind.CREDENTIALS_REFUSED, 407, e);
      }
    }
    if (tls != null && has(e, SSLException.class)) {
      return new TlsFailure(tls, e);
    }
    // A registry that demands a client certificate may refuse ours (or none) so that we only see a reset.
    if (tls != null && proxy == null && brokeOff(e)) {
      Optional<SSLException> refusal = ClientCertificateProbe.refusal(tls, registry);
      if (refusal.isPresent()) {
        refusal.get().addSuppressed(e);
        return new TlsFailure(tls, refusal.get());
      }
    }
    return e;
  }

  /** A connection that closed under the exchange, not one that never opened or stayed silent. */
  private static boolean brokeOff(IOException e) {
    return !(e instanceof HttpTimeoutException) && !has(e, ConnectException.class)
        && !has(e, UnresolvedAddressException.class);
  }

  private static boolean has(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    // HttpClient only became closeable in Java 21; on 17 its pool dies with the last reference.
    HttpClient built;
    synchronized (this) {
      built = http;
    }
    if (built instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing the registry HTTP client failed", e);
      }
    }
  }
}
