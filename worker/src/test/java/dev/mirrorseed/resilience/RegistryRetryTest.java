package dev.mirrorseed.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirrorseed.oci.Digest;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegistryRetryTest {
  private final RegistryRetry retry = new RegistryRetry(4, Duration.ofMillis(1));

  @Test
  void retriesServerErrorsUntilTheCallSucceeds() {
    AtomicInteger calls = new AtomicInteger();
    RegistryRetry.Attempts attempts = retry.newAttemptCounter();

    String answer = attempts.call(() -> {
      if (calls.incrementAndGet() < 3) {
        throw failure(503, true);
      }
      return "ok";
    });

    assertThat(answer).isEqualTo("ok");
    assertThat(calls).hasValue(3);
    assertThat(attempts.count()).isEqualTo(3);
  }

  @Test
  void refusalsFailAtOnceWithoutRetry() {
    AtomicInteger calls = new AtomicInteger();
    RegistryRetry.Attempts attempts = retry.newAttemptCounter();

    assertThatThrownBy(() -> attempts.call(() -> {
      calls.incrementAndGet();
      throw failure(404, false);
    })).isInstanceOf(RegistryException.class);
    assertThat(calls).hasValue(1);
  }

  @Test
  void givesUpAfterMaxAttempts() {
    AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(() -> retry.newAttemptCounter().run(() -> {
      calls.incrementAndGet();
      throw failure(500, true);
    })).isInstanceOf(RegistryException.class);
    assertThat(calls).hasValue(4);
  }

  @Test
  void countsOneAttemptWhenNothingWasRetried() {
    RegistryRetry.Attempts attempts = retry.newAttemptCounter();

    attempts.call(() -> 1);
    attempts.call(() -> 2);

    assertThat(attempts.count()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 403, 404})
  void aRegistryRefusingARequestIsAskedOnce(int status) {
    try (ScriptedRegistry registry = new ScriptedRegistry(Answer.of(status));
        RegistryClient client = registry.client()) {
      assertThatThrownBy(() -> retry.newAttemptCounter().call(() -> client.getManifest("repo", "v1")))
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.statusCode()).isEqualTo(status));

      assertThat(registry.requests()).isEqualTo(1);
    }
  }

  @Test
  void aFailedTlsHandshakeIsNotRetried() throws Exception {
    // HTTPS to a server that answers in plain HTTP: the handshake fails as against a wrong certificate.
    try (ServerSocket plainHttp = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"))) {
      AtomicInteger connections = new AtomicInteger();
      Thread server = new Thread(() -> {
        while (!plainHttp.isClosed()) {
          try (Socket socket = plainHttp.accept()) {
            connections.incrementAndGet();
            socket.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          } catch (IOException closed) {
            return;
          }
        }
      });
      server.setDaemon(true);
      server.start();
      RegistryClient client = new RegistryClient(new RegistryEndpoint("127.0.0.1:" + plainHttp.getLocalPort(), false));

      assertThatThrownBy(() -> retry.newAttemptCounter().call(() -> client.blobSize("repo", Digest.of(new byte[] {1}))))
          .isInstanceOf(RegistryException.class).hasMessageContaining("TLS");
      assertThat(connections).hasValue(1);
      client.close();
    }
  }

  @Test
  void countsEveryRetryOfACallThatNeverSucceeded() {
    RegistryRetry.Attempts attempts = retry.newAttemptCounter();

    assertThatThrownBy(() -> attempts.run(() -> {
      throw failure(503, true);
    })).isInstanceOf(RegistryException.class);
    assertThat(attempts.count()).isEqualTo(4);
  }

  private static RegistryException failure(int status, boolean retriable) {
    return new RegistryException("registry answered " + status, status, null, retriable, null, null);
  }
}
