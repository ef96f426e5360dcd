package dev.mirrorseed.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** What a bundle file is, told by its first bytes: a bundle's name says nothing reliable about it. */
enum BundleFormat {
  DIRECTORY,
  TAR,
  GZIP,
  XZ,
  ZSTD,
  UNKNOWN;

  private static final int TAR_MAGIC_OFFSET = 257;
  private static final byte[] TAR_MAGIC = "ustar".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] GZIP_MAGIC = {0x1f, (byte) 0x8b};
  private static final byte[] XZ_MAGIC = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0x00};
  private static final byte[] ZSTD_MAGIC = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};

  static BundleFormat of(Path source) {
    if (Files.isDirectory(source)) {
      return DIRECTORY;
    }
    if (!Files.isRegularFile(source)) {
      throw new BundleException("bundle " + source + " does not exist: pass an OCI layout directory or a .tar of one");
    }
    byte[] head = new byte[TAR_MAGIC_OFFSET + TAR_MAGIC.length];
    int length;
    try (InputStream in = Files.newInputStream(source)) {
      length = in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read bundle " + source + ": " + e.getMessage(), e);
    }
    if (startsWith(head, length, GZIP_MAGIC)) {
      return GZIP;
    }
    if (startsWith(head, length, XZ_MAGIC)) {
      return XZ;
    }
    if (startsWith(head, length, ZSTD_MAGIC)) {
      return ZSTD;
    }
    if (length == head.length
        && Arrays.equals(head, TAR_MAGIC_OFFSET, head.length, TAR_MAGIC, 0, TAR_MAGIC.length)) {
      return TAR;
    }
    return UNKNOWN;
  }

  boolean isCompressed() {
    return this == GZIP || this == XZ || this == ZSTD;
  }

  private static boolean startsWith(byte[] head, int length, byte[] magic) {
    return length >= magic.length && Arrays.equals(head, 0, magic.length, magic, 0, magic.length);
  }
}
