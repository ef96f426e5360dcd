package dev.mirrorseed.resilience;

import dev.mirrorseed.registry.RegistryException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Retries registry calls that may succeed if tried again (I/O errors, 408, 429, 5xx, bodies included:
 * they are re-read from their files) after a {@link Backoff}; a refusal (400/401/403/404) or a TLS
 * failure fails at once, because asking again cannot help.
 */
public final class RegistryRetry {
  private final RetryConfig config;

  public RegistryRetry(int maxAttempts, Duration firstBackoff) {
    this(maxAttempts, firstBackoff, ResiliencePolicy.DEFAULT_MAX_BACKOFF, ResiliencePolicy.DEFAULT_MAX_RETRY_AFTER);
  }

  public RegistryRetry(int maxAttempts, Duration firstBackoff, Duration maxBackoff, Duration maxRetryAfter) {
    this.config = RetryConfig.custom()
        .maxAttempts(maxAttempts)
        .intervalBiFunction(new Backoff(firstBackoff, maxBackoff, maxRetryAfter))
        .retryOnException(RegistryRetry::isRetriable)
        .build();
  }

  public static RegistryRetry of(ResiliencePolicy policy) {
    return new RegistryRetry(policy.maxRetries() + 1, policy.firstBackoff(), policy.maxBackoff(),
        policy.maxRetryAfter());
  }

  public static RegistryRetry defaults() {
    return of(ResiliencePolicy.defaults());
  }

  /**
   * The one retry predicate: only what the registry client marks as worth another try. A call the
   * circuit breaker refused is not: its caller waits for the registry instead ({@link RegistryHealth}).
   */
  static boolean isRetriable(Throwable failure) {
    return failure instanceof RegistryException registryError && registryError.retriable();
  }

  /** Counts the retries made while pushing one image, for its result event. */
  public Attempts newAttemptCounter() {
    return new Attempts(Retry.of("registry", config), null, failure -> {});
  }

  /** As above, each try also passing {@code breaker}; {@code onRetry} hears of each failure retried. */
  Attempts newAttemptCounter(CircuitBreaker breaker, Consumer<Throwable> onRetry) {
    return new Attempts(Retry.of("registry", config), breaker, onRetry);
  }

  /**
   * Runs calls under the retry policy (and the circuit breaker, when there is one) and counts the
   * retries; calls may run on several threads at once.
   */
  public static final class Attempts {
    private final Retry retry;
    private final CircuitBreaker breaker;
    private final AtomicInteger retries = new AtomicInteger();

    private Attempts(Retry retry, CircuitBreaker breaker, Consumer<Throwable> onRetry) {
      this.retry = retry;
      this.breaker = breaker;
      retry.getEventPublisher().onRetry(event -> {
        retries.incrementAndGet();
        onRetry.accept(event.getLastThrowable());
      });
    }

    public <T> T call(Supplier<T> call) {
      // The breaker inside the retry: each try is judged, and a refused one reaches no registry.
      return retry.executeSupplier(breaker == null ? call : CircuitBreaker.decorateSupplier(breaker, call));
    }

    public void run(Runnable call) {
      call(() -> {
        call.run();
        return null;
      });
    }

    /**
     * The push is made again after the registry came back from an outage that ended it with
     * {@code failure}. A try the breaker refused was never sent (the failure before it was counted);
     * a call that ran out of tries was, and the new push retries it.
     */
    public void resumedAfter(Throwable failure) {
      if (!(failure instanceof CallNotPermittedException)) {
        retries.incrementAndGet();
      }
    }

    /** 1 when nothing had to be retried, plus one per retry. */
    public int count() {
      return 1 + retries.get();
    }
  }
}
