package dev.mirrorseed.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirrorseed.registry.RegistryException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

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

  private static RegistryException failure(int status, boolean retriable) {
    return new RegistryException("registry answered " + status, status, null, retriable, null, null);
  }
}
