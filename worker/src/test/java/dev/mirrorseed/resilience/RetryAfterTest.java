package dev.mirrorseed.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.registry.RegistryClient;
import dev.mirrorseed.resilience.ScriptedRegistry.Answer;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

/**
 * A registry's {@code Retry-After} decides the wait, in either of its forms, up to the cap. The retry's
 * own backoff is 1 ms here, so any longer wait is the header's doing.
 */
class RetryAfterTest {
  private static final Digest BLOB = Digest.of(new byte[] {1});

  @Test
  void waitsTheSecondsRetryAfterAsksFor() {
    try (ScriptedRegistry registry = new ScriptedRegistry(Answer.of(429, "Retry-After", "2"), present())) {
      headOnce(registry, Duration.ofMinutes(5));

      assertThat(registry.requests()).isEqualTo(2);
      assertThat(registry.secondsBetween(0)).isBetween(1.95, 2.9);
    }
  }

  @Test
  void waitsUntilTheDateRetryAfterNames() {
    // HTTP dates have whole seconds: 3 s ahead, truncated, is between 2 and 3 s from now.
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(3));
    try (ScriptedRegistry registry = new ScriptedRegistry(Answer.of(503, "Retry-After", date), present())) {
      headOnce(registry, Duration.ofMinutes(5));

      assertThat(registry.requests()).isEqualTo(2);
      assertThat(registry.secondsBetween(0)).isBetween(1.9, 3.5);
    }
  }

  @Test
  void aRetryAfterBeyondTheCapWaitsOnlyTheCap() {
    try (ScriptedRegistry registry = new ScriptedRegistry(Answer.of(429, "Retry-After", "3600"), present())) {
      headOnce(registry, Duration.ofSeconds(1));

      assertThat(registry.secondsBetween(0)).isBetween(0.95, 1.9);
    }
  }

  /** One HEAD of a blob, retried as a push would, the registry's Retry-After obeyed up to {@code cap}. */
  private static void headOnce(ScriptedRegistry registry, Duration cap) {
    RegistryResilience resilience = RegistryResilience.retryOnly(registry.hostPort(),
        new RegistryRetry(3, Duration.ofMillis(1), Duration.ofMillis(1), cap));
    try (RegistryClient client = registry.client(resilience)) {
      resilience.newAttempts(RegistryResilience.PUSH).call(() -> client.blobSize("repo", BLOB));
    }
  }

  private static Answer present() {
    return Answer.of(200, "Content-Length", "1");
  }
}
