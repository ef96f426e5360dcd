package dev.mirrorseed.resilience;

import java.time.Duration;

/**
 * How hard this process leans on each registry and how it rides out its failures: one policy per
 * process, from the command's flags, applied to every registry separately.
 *
 * @param maxRetries tries of one registry call after its first (I/O errors, 408, 429, 5xx)
 * @param firstBackoff the wait before the first retry; each next one doubles, ±50 %, up to {@code maxBackoff}
 * @param maxBackoff the longest wait between two tries, unless the registry asks for longer (Retry-After)
 * @param maxRetryAfter the longest {@code Retry-After} obeyed; a registry asking for more waits this long
 * @param requestsPerSecond requests per second to a registry; 0 for no limit
 * @param uploadBytesPerSecond upload body bytes per second to a registry; 0 for no limit
 * @param maxConcurrentUploads blob uploads (and mounts) to a registry at once from this process
 */
public record ResiliencePolicy(
    int maxRetries, Duration firstBackoff, Duration maxBackoff, Duration maxRetryAfter,
    int requestsPerSecond, long uploadBytesPerSecond, int maxConcurrentUploads) {
  public static final int DEFAULT_MAX_RETRIES = 8;
  public static final Duration DEFAULT_FIRST_BACKOFF = Duration.ofMillis(500);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);
  /** Registries rate limiting for hours (some public ones do) would otherwise stall a run unseen. */
  public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofMinutes(5);

  public ResiliencePolicy {
    if (maxRetries < 0 || requestsPerSecond < 0 || uploadBytesPerSecond < 0) {
      throw new IllegalArgumentException("retries and limits must not be negative");
    }
    if (maxConcurrentUploads < 1) {
      throw new IllegalArgumentException("at least one upload must be allowed at a time, got " + maxConcurrentUploads);
    }
  }

  /** Retries as above, no rate or bandwidth limit, {@link #defaultMaxConcurrentUploads()} uploads at once. */
  public static ResiliencePolicy defaults() {
    return new ResiliencePolicy(DEFAULT_MAX_RETRIES, DEFAULT_FIRST_BACKOFF, DEFAULT_MAX_BACKOFF,
        DEFAULT_MAX_RETRY_AFTER, 0, 0, defaultMaxConcurrentUploads());
  }

  /**
   * Two uploads per core: an upload mostly waits on the network, so a core keeps more than one busy, but
   * each also reads a file and hashes on the registry's side, so they do not scale without bound.
   */
  public static int defaultMaxConcurrentUploads() {
    return Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
  }

  public ResiliencePolicy withRetries(int retries, Duration first) {
    return new ResiliencePolicy(retries, first, maxBackoff, maxRetryAfter, requestsPerSecond,
        uploadBytesPerSecond, maxConcurrentUploads);
  }

  public ResiliencePolicy withLimits(int requests, long uploadBytes, int concurrentUploads) {
    return new ResiliencePolicy(maxRetries, firstBackoff, maxBackoff, maxRetryAfter, requests, uploadBytes,
        concurrentUploads);
  }
}
