package dev.mirrorseed.resilience;

import dev.mirrorseed.metrics.RegistryMetrics;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A registry's request rate and upload bandwidth limits, as resilience4j rate limiters. Requests take
 * one permit each; upload bytes one per KiB, as the HTTP client takes each buffer, so memory stays what
 * the client's buffers are. Both refill about every {@value #REFILL_MILLIS} ms, so no burst exceeds a
 * tenth of a second's allowance. Every wait is measured.
 */
final class RateLimits {
  static final long BANDWIDTH_UNIT_BYTES = 1024;
  private static final long REFILL_MILLIS = 100;
  private static final long REFILLS_PER_SECOND = 1000 / REFILL_MILLIS;
  /** Long enough for any buffer at any allowed rate; reserving then cannot fail. */
  private static final Duration LONGEST_WAIT = Duration.ofHours(1);

  private final RateLimiter requests;
  private final RateLimiter bandwidth;
  private final AtomicLong bytesNotYetCounted = new AtomicLong();
  private final RegistryMetrics metrics;

  /** 0 for either limit leaves it unlimited. */
  RateLimits(String registry, int requestsPerSecond, long uploadBytesPerSecond, RegistryMetrics metrics) {
    this.requests = requestsPerSecond == 0 ? null : limiter(registry + " requests", requestsPerSecond);
    this.bandwidth = uploadBytesPerSecond == 0 ? null
        : limiter(registry + " bandwidth", Math.max(1, uploadBytesPerSecond / BANDWIDTH_UNIT_BYTES));
    this.metrics = metrics;
  }

  /** Returns when the next request to the registry may start. */
  void awaitRequestTurn() {
    if (requests != null) {
      pause(requests, 1, "requests");
    }
  }

  /** Returns when {@code bytes} more upload body bytes may go. */
  void awaitUploadBytes(long bytes) {
    if (bandwidth == null) {
      return;
    }
    // Whole KiB are counted; the rest waits for the next buffer, of this upload or another.
    long pending = bytesNotYetCounted.addAndGet(bytes);
    long units = pending / BANDWIDTH_UNIT_BYTES;
    if (units > 0) {
      bytesNotYetCounted.addAndGet(-units * BANDWIDTH_UNIT_BYTES);
      pause(bandwidth, (int) units, "bandwidth");
    }
  }

  /** {@code perSecond} permits a second, refilled in the smallest whole share that is ~100 ms apart. */
  static RateLimiter limiter(String name, long perSecond) {
    long perRefill = Math.max(1, (perSecond + REFILLS_PER_SECOND - 1) / REFILLS_PER_SECOND);
    return RateLimiter.of(name, RateLimiterConfig.custom()
        .limitForPeriod((int) perRefill)
        .limitRefreshPeriod(Duration.ofNanos(perRefill * 1_000_000_000L / perSecond))
        .timeoutDuration(LONGEST_WAIT)
        .build());
  }

  private void pause(RateLimiter limiter, int permits, String limit) {
    long waitNanos = limiter.reservePermission(permits);
    if (waitNanos <= 0) {
      return;
    }
    metrics.rateLimited(limit, waitNanos);
    long until = System.nanoTime() + waitNanos;
    for (long left = waitNanos; left > 0 && !Thread.currentThread().isInterrupted(); left = until - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }
}
