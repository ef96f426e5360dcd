package dev.mirrorseed.registry;

import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.MediaTypes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;

/** A blob file for upload tests and the descriptor that matches it. */
record TestBlob(Descriptor descriptor, Path file) {
  private static final int WRITE_BYTES = 1 << 20;

  static TestBlob of(Path file, byte[] content) throws IOException {
    Files.write(file, content);
    return new TestBlob(new Descriptor(MediaTypes.OCI_LAYER_TAR, Digest.of(content), content.length), file);
  }

  /** {@code size} random bytes from {@code seed}, written and hashed a megabyte at a time. */
  static TestBlob random(Path file, long size, long seed) throws IOException {
    MessageDigest sha256 = Digest.newHasher();
    Random random = new Random(seed);
    byte[] chunk = new byte[WRITE_BYTES];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long written = 0; written < size; written += chunk.length) {
        int length = (int) Math.min(chunk.length, size - written);
        random.nextBytes(chunk);
        sha256.update(chunk, 0, length);
        out.write(chunk, 0, length);
      }
    }
    return new TestBlob(new Descriptor(MediaTypes.OCI_LAYER_TAR, Digest.fromHash(sha256.digest()), size), file);
  }
}
