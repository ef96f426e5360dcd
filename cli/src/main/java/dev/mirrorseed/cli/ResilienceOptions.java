package dev.mirrorseed.cli;

import dev.mirrorseed.registry.RegistryClient;
import dev.mirrorseed.resilience.ResiliencePolicy;
import picocli.CommandLine.Option;

/**
 * How a command treats the registry: retries, request and bandwidth limits, concurrent uploads. Each
 * applies per registry and per process; the circuit breaker that pauses work while a registry is down
 * needs no flag.
 */
final class ResilienceOptions {
  @Option(names = "--max-retries", paramLabel = "N", defaultValue = "" + ResiliencePolicy.DEFAULT_MAX_RETRIES,
      description = "Retries of a registry request that failed with an I/O error, 408, 429 or 5xx, after"
          + " 0.5, 1, 2, 4, 8, 10... s (±50 %%) or the registry's Retry-After (up to 5 min) (default: ${DEFAULT-VALUE}).")
  int maxRetries;

  @Option(names = "--rate-limit", paramLabel = "N",
      description = "At most N requests per second to the registry (default: no limit).")
  Integer rateLimit;

  @Option(names = "--max-bandwidth", paramLabel = "SIZE", converter = ByteSize.class,
      description = "At most SIZE of blob uploads per second to the registry, e.g. 50MiB (default: no limit).")
  Long maxBandwidth;

  @Option(names = "--max-concurrent-uploads", paramLabel = "N",
      description = "Blob uploads to the registry at once from this process, across its workers"
          + " (default: twice the number of cores, at least 2).")
  Integer maxConcurrentUploads;

  ResiliencePolicy policy() {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("--max-retries must not be negative, got " + maxRetries);
    }
    if (rateLimit != null && rateLimit < 1) {
      throw new IllegalArgumentException("--rate-limit must be at least 1 request per second, got " + rateLimit);
    }
    if (maxConcurrentUploads != null && maxConcurrentUploads < 1) {
      throw new IllegalArgumentException("--max-concurrent-uploads must be at least 1, got " + maxConcurrentUploads);
    }
    int uploads = maxConcurrentUploads == null ? ResiliencePolicy.defaultMaxConcurrentUploads() : maxConcurrentUploads;
    long bandwidth = maxBandwidth == null ? 0 : maxBandwidth;
    if (maxBandwidth != null && bandwidth / uploads < RegistryClient.SLOWEST_UPLOAD_BYTES_PER_SECOND) {
      throw new IllegalArgumentException("--max-bandwidth shared by " + uploads + " concurrent uploads leaves each "
          + bandwidth / uploads / 1024 + " KiB/s, under the " + RegistryClient.SLOWEST_UPLOAD_BYTES_PER_SECOND / 1024
          + " KiB/s below which an upload times out: raise --max-bandwidth or lower --max-concurrent-uploads");
    }
    return ResiliencePolicy.defaults()
        .withRetries(maxRetries, ResiliencePolicy.DEFAULT_FIRST_BACKOFF)
        .withLimits(rateLimit == null ? 0 : rateLimit, bandwidth, uploads);
  }
}
