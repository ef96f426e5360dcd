package dev.mirrorseed.resilience;

import dev.mirrorseed.registry.RegistryException;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.functions.Either;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before the next try of a registry call. With the defaults, sleep for about 0.5, 1,
 * 2, 4, 8, 10, 10, 10 seconds, each ±50 % so that workers failing together do not retry together.
 * A registry that said how long ({@code Retry-After}, in seconds or as an HTTP date, usually with a
 * 429 or 503) gets exactly that, up to {@code maxRetryAfter}: it knows better than our guess.
 */
final class Backoff implements IntervalBiFunction<Object> {
  private static final double JITTER = 0.5;

  private final Duration first;
  private final Duration max;
  private final Duration maxRetryAfter;

  Backoff(Duration first, Duration max, Duration maxRetryAfter) {
    this.first = first;
    this.max = max;
    this.maxRetryAfter = maxRetryAfter;
  }

  /** {@code retry} counts from 1; the answer is in milliseconds, as resilience4j wants it. */
  @Override
  public Long apply(Integer retry, Either<Throwable, Object> outcome) {
    Throwable failure = outcome.isLeft() ? outcome.getLeft() : null;
    failure = failure instanceof BrokenUpload broken ? broken.getCause() : failure;
    Duration asked = failure instanceof RegistryException registryError ? registryError.retryAfter().orElse(null) : null;
    if (asked != null) {
      return (asked.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : asked).toMillis();
    }
    double base = Math.min(first.toMillis() * Math.pow(2, retry - 1), max.toMillis());
    return (long) (base * (1 - JITTER + 2 * JITTER * ThreadLocalRandom.current().nextDouble()));
  }
}
