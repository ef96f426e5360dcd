package dev.mirrorseed.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.registry.RegistryAccess;
import dev.mirrorseed.registry.RegistryClient;
import dev.mirrorseed.registry.RegistryEndpoint;
import dev.mirrorseed.registry.RegistryException;
import dev.mirrorseed.resilience.ScriptedRegistry.Answer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which registry answers are asked again, how often, and how the retries are counted. */
class RegistryRetryTest {
  private static final Digest BLOB = Digest.of(new byte[] {1});
  private static final RegistryRetry RETRY = new RegistryRetry(4, Duration.ofMillis(1));

  @Test
  void retriesServerErrorsUntilTheRequestSucceeds() {
    try (ScriptedRegistry registry = new ScriptedRegistry(Answer.of(503), Answer.of(502),
        Answer.of(200, "Content-Length", "1"))) {
      RegistryRetry.Attempts attempts = head(registry, 1);

      assertThat(registry.requests()).isEqualTo(3);
      assertThat(attempts.count()).isEqualTo(3);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 403})
  void aRegistryRefusingARequestIsAskedOnce(int status) {
    try (ScriptedRegistry registry = new ScriptedRegistry(Answer.of(status))) {
      assertThatThrownBy(() -> head(registry, 1))
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.statusCode()).isEqualTo(status));

      assertThat(registry.requests()).isEqualTo(1);
    }
  }

  @Test
  void aManifestNotFoundIsAskedOnce() {
    try (ScriptedRegistry registry = new ScriptedRegistry(Answer.of(404))) {
      RegistryResilience resilience = RegistryResilience.retryOnly(registry.hostPort(), RETRY);
      RegistryClient client = registry.client(resilience);
      assertThatThrownBy(() -> resilience.newAttempts("verify").call(() -> client.getManifest("repo", "v1")))
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
      client.close();

      assertThat(registry.requests()).isEqualTo(1);
    }
  }

  @Test
  void givesUpAfterMaxAttemptsCountingEachRetry() {
    try (ScriptedRegistry registry = new ScriptedRegistry(Answer.of(500))) {
      RegistryResilience resilience = RegistryResilience.retryOnly(registry.hostPort(), RETRY);
      RegistryRetry.Attempts attempts = resilience.newAttempts("push");
      try (RegistryClient client = registry.client(resilience)) {
        assertThatThrownBy(() -> attempts.call(() -> client.blobSize("repo", BLOB)))
            .isInstanceOf(RegistryException.class);
      }

      assertThat(registry.requests()).isEqualTo(4);
      assertThat(attempts.count()).isEqualTo(4);
    }
  }

  @Test
  void countsOneAttemptWhenNothingWasRetried() {
    try (ScriptedRegistry registry = new ScriptedRegistry(Answer.of(200, "Content-Length", "1"))) {
      assertThat(head(registry, 2).count()).isEqualTo(1);
    }
  }

  @Test
  void aRequestOutsideAnyCountedWorkIsMadeOnce() {
    // What a probe of a registry found down does: its one answer is what it asked for.
    try (ScriptedRegistry registry = new ScriptedRegistry(Answer.of(503));
        RegistryClient client = registry.client(RegistryResilience.retryOnly(registry.hostPort(), RETRY))) {
      assertThatThrownBy(() -> client.blobSize("repo", BLOB)).isInstanceOf(RegistryException.class);

      assertThat(registry.requests()).isEqualTo(1);
    }
  }

  @Test
  void aFailedTlsHandshakeIsNotRetried() throws Exception {
    // HTTPS to a server that answers in plain HTTP: the handshake fails as against a wrong certificate.
    try (ServerSocket plainHttp = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"))) {
      Thread server = new Thread(() -> {
        while (!plainHttp.isClosed()) {
          try (Socket socket = plainHttp.accept()) {
            socket.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            // Open until the client gives up: closing first could reach it as a reset, not a TLS failure.
            socket.getInputStream().readAllBytes();
          } catch (IOException closed) {
            return;
          }
        }
      });
      server.setDaemon(true);
      server.start();
      String hostPort = "127.0.0.1:" + plainHttp.getLocalPort();
      RegistryResilience resilience = RegistryResilience.retryOnly(hostPort, RETRY);
      try (RegistryClient client = new RegistryClient(new RegistryEndpoint(hostPort, false), RegistryAccess.defaults(),
          resilience.exchanges())) {
        RegistryRetry.Attempts attempts = resilience.newAttempts("push");
        assertThatThrownBy(() -> attempts.call(() -> client.blobSize("repo", BLOB)))
            .isInstanceOf(RegistryException.class).hasMessageContaining("TLS");
        // Counted by our retry, not by connections: the JDK's client sometimes connects twice itself.
        assertThat(attempts.count()).isEqualTo(1);
      }
    }
  }

  /** {@code times} HEADs of a blob as a push makes them; returns their retry count. */
  private static RegistryRetry.Attempts head(ScriptedRegistry registry, int times) {
    RegistryResilience resilience = RegistryResilience.retryOnly(registry.hostPort(), RETRY);
    RegistryRetry.Attempts attempts = resilience.newAttempts("push");
    try (RegistryClient client = registry.client(resilience)) {
      for (int i = 0; i < times; i++) {
        attempts.call(() -> client.blobSize("repo", BLOB));
      }
    }
    return attempts;
  }
}
