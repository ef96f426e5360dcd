package dev.mirrorseed.plan;

/**
 * How a bundle is read.
 *
 * @param maxBlobBytes blobs bigger than this are not staged, and images needing one are broken;
 *     {@link Long#MAX_VALUE} for no limit
 * @param gzipDockerLayers whether the uncompressed layer tars of old docker-save archives are pushed
 *     gzip-compressed (deterministically) instead of as they are
 */
public record PlanOptions(long maxBlobBytes, boolean gzipDockerLayers) {
  public PlanOptions {
    if (maxBlobBytes < 0) {
      throw new IllegalArgumentException("--max-blob-size must not be negative, got " + maxBlobBytes);
    }
  }

  public static PlanOptions defaults() {
    return new PlanOptions(Long.MAX_VALUE, false);
  }
}
