package dev.mirrorseed.cli;

import dev.mirrorseed.bundle.XzDecoder;
import dev.mirrorseed.plan.PlanOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The bundle and how to read it, the same flags on push, produce and verify. {@code --source} is
 * checked by {@link #existingSource()}, not by picocli, because verify runs without it too.
 */
final class BundleOptions {
  /** In the workspace: the layout blob files a run hashed, so that the next need not while they are unchanged. */
  static final String HASH_RECORD = "hashed-layout-files";

  @Option(names = "--source", paramLabel = "PATH",
      description = "The bundle: a directory or a .tar, .tar.gz, .tar.xz or .tar.zst (told by content) of OCI"
          + " layouts and/or docker-save archives, at the top or nested one archive per image.")
  Path source;

  @Option(names = "--max-blob-size", paramLabel = "SIZE", converter = ByteSize.class,
      description = "Refuse blobs larger than this (e.g. 20GiB); the images needing them fail alone.")
  Long maxBlobSize;

  @Option(names = "--compress", paramLabel = "none|gzip", defaultValue = "none",
      description = "Layers of old docker-save archives are pushed as they are (none, the default: the digest"
          + " is a pure function of the bundle) or gzip-compressed.")
  LayerCompression compress;

  /** How layers of an old docker-save archive, which carry no registry manifest, are pushed. */
  enum LayerCompression { none, gzip }

  @Option(names = "--xz-decoder", paramLabel = "auto|java", defaultValue = "auto",
      description = "Who decodes an xz bundle: auto (the default) runs XZ Utils' xz when it is on PATH and the"
          + " bundle compresses enough for it to be faster, else the built-in Java decoder; java always the latter.")
  XzDecoding xzDecoder;

  /** {@link XzDecoder}'s choices as the flag spells them. */
  enum XzDecoding { auto, java }

  /** The source, once it is known to exist. */
  Path existingSource() {
    if (source == null) {
      throw new IllegalArgumentException("--source is required: give the bundle's path (a directory or an archive)");
    }
    if (!Files.exists(source)) {
      throw new IllegalArgumentException("--source " + source + " does not exist: give the bundle's path");
    }
    return source;
  }

  /** A layout directory is its own staging store; an archive's blobs go to {@code archiveStaging}. */
  Path stagingFor(Path archiveStaging) {
    return Files.isDirectory(source) ? source : archiveStaging;
  }

  PlanOptions planOptions() {
    return new PlanOptions(maxBlobSize == null ? Long.MAX_VALUE : maxBlobSize, compress == LayerCompression.gzip)
        .decodingXzWith(xzDecoder == XzDecoding.java ? XzDecoder.JAVA : XzDecoder.AUTO);
  }

  /** For a command with a workspace: it remembers which blobs of a layout directory hashed right, for the next run. */
  PlanOptions planOptions(Path workspace) {
    return planOptions().rememberingHashesIn(workspace.resolve(HASH_RECORD));
  }
}
