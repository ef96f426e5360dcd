package dev.mirrorseed.plan;

import dev.mirrorseed.bundle.XzDecoder;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How a bundle is read.
 *
 * @param maxBlobBytes blobs bigger than this are not staged, and images needing one are broken;
 *     {@link Long#MAX_VALUE} for no limit
 * @param gzipDockerLayers whether the uncompressed layer tars of old docker-save archives are pushed
 *     gzip-compressed (deterministically) instead of as they are
 * @param hashRecord where to remember which blob files of a layout directory hashed right, so that
 *     the next read need not hash them again while they are unchanged; empty to hash every time
 * @param xzDecoder who decodes xz
 */
public record PlanOptions(long maxBlobBytes, boolean gzipDockerLayers, Optional<Path> hashRecord, XzDecoder xzDecoder) {
  public PlanOptions {
    if (maxBlobBytes < 0) {
      throw new IllegalArgumentException("--max-blob-size must not be negative, got " + maxBlobBytes);
    }
    Objects.requireNonNull(hashRecord, "hashRecord");
    Objects.requireNonNull(xzDecoder, "xzDecoder");
  }

  public PlanOptions(long maxBlobBytes, boolean gzipDockerLayers) {
    this(maxBlobBytes, gzipDockerLayers, Optional.empty(), XzDecoder.AUTO);
  }

  public static PlanOptions defaults() {
    return new PlanOptions(Long.MAX_VALUE, false);
  }

  public PlanOptions rememberingHashesIn(Path record) {
    return new PlanOptions(maxBlobBytes, gzipDockerLayers, Optional.of(record), xzDecoder);
  }

  public PlanOptions decodingXzWith(XzDecoder decoder) {
    return new PlanOptions(maxBlobBytes, gzipDockerLayers, hashRecord, decoder);
  }
}
