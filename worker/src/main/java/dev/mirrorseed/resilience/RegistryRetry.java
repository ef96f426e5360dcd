package dev.mirrorseed.resilience;

import dev.mirrorseed.registry.RegistryException;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Retries what may succeed if tried again (I/O errors, 408, 429, 5xx) after a {@link Backoff}; a
 * refusal (400/401/403/404) or a TLS failure fails at once, because asking again cannot help. Each
 * request is retried on its own where it can be sent again as it is ({@link RegistryExchanges}); a blob
 * upload whose body failed starts over ({@link Attempts#restartable}), looking first whether it landed.
 * Retrying request by request keeps an operation of several requests from failing as often as the sum
 * of their failures: through a registry that fails a third of requests, an upload (HEAD, POST, PUT)
 * would fail 70 % of its tries as a whole.
 */
public final class RegistryRetry {
  private final RetryConfig exchanges;
  private final RetryConfig uploads;

  public RegistryRetry(int maxAttempts, Duration firstBackoff) {
    this(maxAttempts, firstBackoff, ResiliencePolicy.DEFAULT_MAX_BACKOFF, ResiliencePolicy.DEFAULT_MAX_RETRY_AFTER);
  }

  public RegistryRetry(int maxAttempts, Duration firstBackoff, Duration maxBackoff, Duration maxRetryAfter) {
    Backoff backoff = new Backoff(firstBackoff, maxBackoff, maxRetryAfter);
    this.exchanges = RetryConfig.custom()
        .maxAttempts(maxAttempts)
        .intervalBiFunction(backoff)
        .retryOnException(RegistryRetry::isRetriable)
        .build();
    this.uploads = RetryConfig.from(exchanges).retryOnException(BrokenUpload.class::isInstance).build();
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

  /** A new count of the retries made for one piece of work (an image's push, say). */
  public Attempts newAttemptCounter() {
    return newAttemptCounter(failure -> {});
  }

  /** As above; {@code onRetry} hears of each failure that is retried. */
  Attempts newAttemptCounter(Consumer<Throwable> onRetry) {
    return new Attempts(this, onRetry);
  }

  /**
   * The retries of one piece of work. Registry calls made inside {@link #call} on a thread count here,
   * whichever client exchange retried them; several threads may make calls at once.
   */
  public static final class Attempts {
    private static final ThreadLocal<Attempts> CURRENT = new ThreadLocal<>();

    private final Retry exchanges;
    private final Retry uploads;
    private final AtomicInteger retries = new AtomicInteger();

    private Attempts(RegistryRetry policy, Consumer<Throwable> onRetry) {
      this.exchanges = Retry.of("registry", policy.exchanges);
      this.uploads = Retry.of("upload", policy.uploads);
      for (Retry retry : new Retry[] {exchanges, uploads}) {
        retry.getEventPublisher().onRetry(event -> {
          retries.incrementAndGet();
          onRetry.accept(event.getLastThrowable() instanceof BrokenUpload broken
              ? broken.getCause() : event.getLastThrowable());
        });
      }
    }

    /** Makes registry calls whose retries count here (and have the caller's name in metrics). */
    public <T> T call(Supplier<T> call) {
      Attempts outer = CURRENT.get();
      CURRENT.set(this);
      try {
        return call.get();
      } finally {
        CURRENT.set(outer);
      }
    }

    public void run(Runnable call) {
      call(() -> {
        call.run();
        return null;
      });
    }

    /**
     * A blob upload, made again from the start when a body it sent failed on the way: {@code upload}
     * must look first whether an earlier try landed after all. Its other requests retry on their own.
     */
    public <T> T restartable(Supplier<T> upload) {
      try {
        return call(() -> uploads.executeSupplier(upload));
      } catch (BrokenUpload tooOften) {
        throw tooOften.getCause();
      }
    }

    /** The retry for the exchanges of the calls this thread makes inside {@link #call}, if any. */
    static Attempts current() {
      return CURRENT.get();
    }

    <T> T retryExchange(Supplier<T> exchange) {
      return exchanges.executeSupplier(exchange);
    }

    /**
     * The push is made again after the registry came back from an outage that ended it with
     * {@code failure}: a call that ran out of tries was sent and failed, and now it is tried again. A
     * call the breaker refused was never sent (the failure before it was counted already).
     */
    public void resumedAfter(Throwable failure) {
      if (failure instanceof RegistryException) {
        retries.incrementAndGet();
      }
    }

    /** 1 when nothing had to be retried, plus one per retry. */
    public int count() {
      return 1 + retries.get();
    }
  }
}
