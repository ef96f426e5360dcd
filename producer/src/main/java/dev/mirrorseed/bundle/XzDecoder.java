package dev.mirrorseed.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

/** Who decodes an xz bundle and the xz archives nested in it. */
public enum XzDecoder {
  /**
   * XZ Utils' {@code xz} when it is on PATH, unless the bundle file is mostly data xz could only store
   * (then the Java decoder is faster); else the Java decoder.
   */
  AUTO,
  /** The Java decoder (XZ for Java), a block per core for a bundle file of many blocks. */
  JAVA;

  /**
   * Up to these many compressed bytes per decoded byte a bundle file is decoded by {@code xz}, when the
   * Java decoder would decode it on one thread, and when it would decode a block per core. Above them
   * the file is mostly data xz could only store (layers gzip-compressed already), which Java copies out
   * faster than the pipes to and from {@code xz} carry it. Staging 537 MB with push --dry-run, xz
   * against Java: random layers (1.00) in one block 3.2 s against 2.0-2.1 s, in 8 MiB blocks 4.6-4.8 s
   * against 2.3 s; half /usr's files, half random (0.64) in one block 11.5-11.7 s against 14.1-14.6 s
   * for 1074 MB, in 8 MiB blocks 9.1-10.1 s against 9.0-9.5 s; /usr's files (0.29) 26 % (8 MiB
   * blocks) and 44 % (one block) faster (bench/xz.sh 512M 3). The bounds lie between those points.
   */
  static final double MAX_SHARE_FOR_XZ_OVER_ONE_JAVA_THREAD = 0.85;
  static final double MAX_SHARE_FOR_XZ_OVER_JAVA_PER_CORE = 0.55;

  private static final Logger log = LoggerFactory.getLogger(XzDecoder.class);

  /** The {@code xz} program this decoder runs, if any. */
  Optional<Path> program() {
    return this == AUTO ? SystemXzInputStream.onPath() : Optional.empty();
  }

  /**
   * The content of the bundle file {@code file}, whose bytes from its start {@code raw} gives, each read
   * once and in order; closing the result closes {@code raw}.
   */
  InputStream openFile(Path file, InputStream raw) throws IOException {
    Optional<Path> xz = program();
    Optional<XzBlocks> blocks = xz.isPresent() ? indexOf(file) : Optional.empty();
    if (blocks.isPresent() && compressesEnoughForXz(blocks.get())) {
      Optional<InputStream> decoded = run(xz.get(), raw, blocks.get().count() > 1 ? 0 : 1);
      if (decoded.isPresent()) {
        return decoded.get();
      }
    }
    Optional<InputStream> parallel = ParallelXzInputStream.open(file, raw);
    return parallel.isPresent() ? parallel.get() : new XZInputStream(raw);
  }

  /** Whether {@code xz} decodes a file of {@code blocks} faster than the Java decoder would. */
  private static boolean compressesEnoughForXz(XzBlocks blocks) {
    return blocks.compressedShare() <= (ParallelXzInputStream.decodesInParallel(blocks)
        ? MAX_SHARE_FOR_XZ_OVER_JAVA_PER_CORE : MAX_SHARE_FOR_XZ_OVER_ONE_JAVA_THREAD);
  }

  private static Optional<XzBlocks> indexOf(Path file) {
    try {
      return Optional.of(XzBlocks.read(file));
    } catch (IOException e) {
      return Optional.empty(); // the file is damaged: the sequential Java read reports where
    }
  }

  /**
   * The content of {@code compressed}, an xz stream inside the bundle; closing the result closes
   * {@code compressed}. It is read as it streams, without an index to tell its blocks or how much it
   * compressed by, so {@code xz} decodes it on one thread: an archive compressed on its own inside a
   * bundle most likely compresses.
   */
  InputStream openStream(InputStream compressed) throws IOException {
    Optional<Path> xz = program();
    Optional<InputStream> decoded = xz.isPresent() ? run(xz.get(), compressed, 1) : Optional.empty();
    return decoded.isPresent() ? decoded.get() : new XZInputStream(compressed);
  }

  private static Optional<InputStream> run(Path xz, InputStream compressed, int threads) {
    try {
      return Optional.of(SystemXzInputStream.decode(xz, compressed, threads));
    } catch (IOException e) {
      // Nothing was read yet: the Java decoder reads the same stream, only slower.
      log.debug("cannot run {} ({}); decoding xz in Java", xz, e.getMessage());
      return Optional.empty();
    }
  }
}
