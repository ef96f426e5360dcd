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
  /** XZ Utils' {@code xz} when it is on PATH: faster per core, and on every core; else the Java decoder. */
  AUTO,
  /** The Java decoder (XZ for Java), a block per core for a bundle file of many blocks. */
  JAVA;

  private static final Logger log = LoggerFactory.getLogger(XzDecoder.class);

  /** The {@code xz} program this decoder runs, if any. */
  Optional<Path> program() {
    return this == AUTO ? SystemXzInputStream.onPath() : Optional.empty();
  }

  /** The content of {@code compressed}; closing the result closes {@code compressed}. */
  InputStream open(InputStream compressed) throws IOException {
    Optional<Path> xz = program();
    if (xz.isPresent()) {
      try {
        return SystemXzInputStream.decode(xz.get(), compressed);
      } catch (IOException e) {
        // Nothing was read yet: the Java decoder reads the same stream, only slower.
        log.debug("cannot run {} ({}); decoding xz in Java", xz.get(), e.getMessage());
      }
    }
    return new XZInputStream(compressed);
  }
}
