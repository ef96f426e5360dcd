package dev.mirrorseed.registry.proxy;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which registry requests go through which proxy, as curl, skopeo and containerd read the
 * environment: {@code HTTPS_PROXY} for https registries, {@code HTTP_PROXY} for plain-HTTP ones (no
 * fallback from one to the other, as in Go), {@code NO_PROXY} for exceptions (see {@link NoProxy}),
 * and never a proxy for loopback. Credentials in the URL ({@code http://user:pass@proxy:3128}) answer
 * the proxy's Basic challenge; {@link #toString()} never shows them.
 */
public final class ProxyRoutes {
  private final ProxyServer https;
  private final ProxyServer http;
  private final NoProxy noProxy;

  private ProxyRoutes(ProxyServer https, ProxyServer http, NoProxy noProxy) {
    this.https = https;
    this.http = http;
    this.noProxy = noProxy;
  }

  /** No proxy for anything. */
  public static ProxyRoutes direct() {
    return new ProxyRoutes(null, null, NoProxy.parse(""));
  }

  /**
   * The routes the given environment (normally {@code System.getenv()}) describes.
   *
   * @throws IllegalArgumentException when a proxy variable is not an {@code http://} proxy URL
   */
  public static ProxyRoutes fromEnvironment(Map<String, String> environment) {
    ProxyServer https = variable(environment, "https_proxy")
        .map(name -> ProxyServer.parse(environment.get(name), name)).orElse(null);
    ProxyServer http = variable(environment, "http_proxy")
        .map(name -> ProxyServer.parse(environment.get(name), name)).orElse(null);
    NoProxy noProxy = NoProxy.parse(variable(environment, "no_proxy").map(environment::get).orElse(""));
    return new ProxyRoutes(https, http, noProxy);
  }

  /** The proxy for requests to {@code target} ({@code https://host:port}), or empty to connect directly. */
  public Optional<ProxyServer> forUri(URI target) {
    boolean secure = "https".equalsIgnoreCase(target.getScheme());
    ProxyServer proxy = secure ? https : http;
    int port = target.getPort() >= 0 ? target.getPort() : secure ? 443 : 80;
    // A host URI cannot parse (an underscore, say) gets no bypass rule, but still the proxy.
    if (proxy == null || target.getHost() != null && noProxy.bypasses(target.getHost(), port)) {
      return Optional.empty();
    }
    return Optional.of(proxy);
  }

  @Override
  public String toString() {
    return "https: " + (https == null ? "direct" : https) + "; http: " + (http == null ? "direct" : http)
        + "; NO_PROXY: " + (noProxy.toString().isEmpty() ? "(none)" : noProxy) + "; loopback direct";
  }

  /**
   * The name of the set variable for {@code lowercase}, lowercase first as curl, wget and Python read
   * them (Go reads uppercase first; the two rarely differ), ignoring empty values as both do.
   */
  private static Optional<String> variable(Map<String, String> environment, String lowercase) {
    for (String name : new String[] {lowercase, lowercase.toUpperCase(Locale.ROOT)}) {
      String value = environment.get(name);
      if (value != null && !value.isBlank()) {
        return Optional.of(name);
      }
    }
    return Optional.empty();
  }
}
