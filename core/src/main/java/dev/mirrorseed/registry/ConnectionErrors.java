package dev.mirrorseed.registry;

import dev.mirrorseed.registry.proxy.ProxyServer;
import dev.mirrorseed.registry.tls.CertificateRejectedException;
import dev.mirrorseed.registry.tls.RegistryTls;
import java.io.IOException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One-line messages for what fails below HTTP: TLS (which certificate, which CA, what to pass) and
 * proxies (which one, from which variable, never with its credentials). None is retriable except an
 * unreachable proxy: certificates and credentials do not fix themselves between attempts.
 */
final class ConnectionErrors {
  /** Alerts a server sends about the client's certificate (mutual TLS), as the JDK reports them. */
  private static final Pattern CLIENT_CERTIFICATE_ALERT = Pattern.compile(
      "Received fatal alert: (certificate_required|bad_certificate|unknown_ca|access_denied"
          + "|certificate_unknown|certificate_expired|certificate_revoked)");

  private ConnectionErrors() {}

  static RegistryException tls(RegistryEndpoint endpoint, HttpRequest request, IOException e, RegistryTls tls) {
    String registry = "registry " + endpoint.hostPort();
    CertificateRejectedException rejected = find(e, CertificateRejectedException.class);
    if (rejected != null) {
      return notRetriable(registry + " presented a certificate " + rejected.getMessage() + ": " + rejected.fix(), e);
    }
    Matcher alert = CLIENT_CERTIFICATE_ALERT.matcher(messages(e));
    if (alert.find()) {
      List<Path> shown = tls == null ? List.of() : tls.clientCertificates();
      return notRetriable(shown.isEmpty()
          ? registry + " wants a client certificate (mutual TLS; it sent " + alert.group(1) + ") and none was"
              + " given: put the client's NAME.cert and NAME.key in a --cert-dir"
          : registry + " refused the client certificate " + shown.get(0) + " (it sent " + alert.group(1) + "):"
              + " use one issued by a CA the registry trusts for clients", e);
    }
    return notRetriable(registry + " failed the TLS handshake on " + request.method() + " "
        + request.uri().getRawPath() + " (" + rootMessage(e) + "): if it serves plain HTTP use --insecure-http,"
        + " otherwise check that its certificate is trusted here", e);
  }

  static RegistryException proxy(RegistryEndpoint endpoint, ProxyFailure failure) {
    ProxyServer proxy = failure.proxy();
    String via = "proxy " + proxy.url() + " (" + proxy.variable() + ")";
    String registry = "registry " + endpoint.hostPort();
    return switch (failure.kind()) {
      case UNREACHABLE -> new RegistryUnreachableException(via + " is unreachable on the way to " + registry
          + " (" + unreachableReason(failure.getCause()) + "): check " + proxy.variable()
          + ", or list the registry in NO_PROXY", failure);
      case CREDENTIALS_REFUSED -> notRetriable(proxy.hasCredentials()
          ? via + " refused our credentials (" + failure.status() + ") for " + registry + ": check the user and password in "
              + proxy.variable()
          : via + " wants credentials (407) for " + registry + ": put them in " + proxy.variable()
              + " as http://USER:PASSWORD@" + proxy.host() + ":" + proxy.port(), failure);
      case TUNNEL_REFUSED -> failure.status() >= 500
          ? new RegistryUnreachableException(via + " could not open a tunnel to " + registry + " (it answered"
              + " CONNECT with " + failure.status() + "): check that the proxy can reach the registry, or list"
              + " the registry in NO_PROXY", failure)
          : notRetriable(via + " refused to open a tunnel to " + registry + " (it answered CONNECT with "
              + failure.status() + "): allow CONNECT to that host and port on the proxy, or list the registry"
              + " in NO_PROXY", failure);
    };
  }

  private static String unreachableReason(Throwable cause) {
    if (cause instanceof HttpConnectTimeoutException) {
      return "no connection within " + HttpClientTransport.CONNECT_TIMEOUT.toSeconds() + " s";
    }
    if (find(cause, UnresolvedAddressException.class) != null) {
      return "unknown host";
    }
    String message = rootMessage(cause);
    // The JDK's HttpClient reports a refused connection as a ConnectException with no message.
    return message.equals("ConnectException") ? "connection refused" : message.toLowerCase(Locale.ROOT);
  }

  private static RegistryException notRetriable(String message, Throwable cause) {
    return new RegistryException(message, 0, null, false, null, cause);
  }

  private static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static String messages(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    return all.toString();
  }

  /** The innermost non-empty message, on one line: the JDK wraps the useful one in empty ones. */
  private static String rootMessage(Throwable e) {
    String message = e.getClass().getSimpleName();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getMessage();
      }
    }
    return message.replaceAll("\\s+", " ").strip();
  }
}
