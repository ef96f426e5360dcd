package dev.mirrorseed.registry.tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * Asks a registry whether it refuses our client certificate (or our lack of one), after a request broke
 * off without saying why.
 * With TLS 1.3 the client finishes its handshake before the server has checked the certificate; the
 * server's refusal (an alert, then close) can meet our request on the wire, and the client then sees
 * only a reset. A bare handshake that sends nothing and waits reads the alert itself.
 */
public final class ClientCertificateProbe {
  private static final int TIMEOUT_MILLIS = 1_500;

  private ClientCertificateProbe() {}

  /** The registry's refusal as the JDK reports it ("Received fatal alert: ..."), or empty if none came. */
  public static Optional<SSLException> refusal(RegistryTls tls, URI registry) {
    int port = registry.getPort() < 0 ? 443 : registry.getPort();
    try (SSLSocket socket = (SSLSocket) tls.context().getSocketFactory().createSocket()) {
      socket.connect(new InetSocketAddress(registry.getHost(), port), TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      socket.startHandshake();
      // An accepted client waits for a request; a refused one reads the alert, then end of stream.
      socket.getInputStream().read();
      return Optional.empty();
    } catch (SSLException e) {
      return Optional.of(e);
    } catch (IOException e) {
      // Timed out (accepted), or unreachable now: the original failure stands as it was.
      return Optional.empty();
    }
  }
}
