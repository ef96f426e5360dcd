package dev.mirrorseed.resilience;

import dev.mirrorseed.registry.RegistryException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Retries registry calls that may succeed if tried again (I/O errors, 408, 429, 5xx) with exponential
 * backoff and jitter; a refusal (400/401/403/404) fails at once, because asking again cannot help.
 */
public final class RegistryRetry {
  private final RetryConfig config;

  public RegistryRetry(int maxAttempts, Duration firstBackoff) {
    // Sleep about 0.5, 1, 2, 4 s (each ±50 %) between attempts with the defaults below.
    this.config = RetryConfig.custom()
        .maxAttempts(maxAttempts)
        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(firstBackoff, 2.0, 0.5))
        .retryOnException(RegistryRetry::isRetriable)
        .build();
  }

  public static RegistryRetry defaults() {
    return new RegistryRetry(5, Duration.ofMillis(500));
  }

  /** The one retry predicate: only what the registry client marks as worth another try. */
  static boolean isRetriable(Throwable failure) {
    return failure instanceof RegistryException registryError && registryError.retriable();
  }

  /** Counts the retries made while pushing one image, for its result event. */
  public Attempts newAttemptCounter() {
    return new Attempts(Retry.of("registry", config));
  }

  /** Runs calls under the retry policy and counts the tries beyond the first of each. */
  public static final class Attempts {
    private final Retry retry;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger tries = new AtomicInteger();

    private Attempts(Retry retry) {
      this.retry = retry;
    }

    public <T> T call(Supplier<T> call) {
      calls.incrementAndGet();
      return retry.executeSupplier(() -> {
        tries.incrementAndGet();
        return call.get();
      });
    }

    public void run(Runnable call) {
      call(() -> {
        call.run();
        return null;
      });
    }

    /** 1 when nothing had to be retried, plus one per retry. */
    public int count() {
      return 1 + tries.get() - calls.get();
    }
  }
}
