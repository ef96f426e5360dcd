package dev.mirrorseed.bundle;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * What a bundle file or archive entry is, told by its first bytes: a name says nothing reliable about
 * it. {@link #HEAD_BYTES} bytes are enough to tell.
 */
enum BundleFormat {
  DIRECTORY("directory"),
  TAR("tar archive"),
  GZIP("gzip stream"),
  XZ("xz stream"),
  ZSTD("zstd stream"),
  UNKNOWN("file");

  private static final int TAR_MAGIC_OFFSET = 257;
  private static final byte[] TAR_MAGIC = "ustar".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] GZIP_MAGIC = {0x1f, (byte) 0x8b};
  private static final byte[] XZ_MAGIC = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0x00};
  private static final byte[] ZSTD_MAGIC = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};
  /** One tar header block: holds the tar magic and every compression magic. */
  static final int HEAD_BYTES = 512;

  private final String description;

  BundleFormat(String description) {
    this.description = description;
  }

  static BundleFormat of(Path source) {
    if (Files.isDirectory(source)) {
      return DIRECTORY;
    }
    if (!Files.isRegularFile(source)) {
      throw new BundleException("bundle " + source + " does not exist: pass an OCI layout directory or an archive"
          + " (.tar, .tar.gz, .tar.xz, .tar.zst) of image layouts or docker-save archives");
    }
    byte[] head = new byte[HEAD_BYTES];
    int length;
    try (InputStream in = Files.newInputStream(source)) {
      length = in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read bundle " + source + ": " + e.getMessage(), e);
    }
    return of(head, length);
  }

  /** What the first {@code length} bytes of {@code head} start. */
  static BundleFormat of(byte[] head, int length) {
    if (startsWith(head, length, GZIP_MAGIC)) {
      return GZIP;
    }
    if (startsWith(head, length, XZ_MAGIC)) {
      return XZ;
    }
    if (startsWith(head, length, ZSTD_MAGIC)) {
      return ZSTD;
    }
    if (length >= TAR_MAGIC_OFFSET + TAR_MAGIC.length
        && Arrays.equals(head, TAR_MAGIC_OFFSET, TAR_MAGIC_OFFSET + TAR_MAGIC.length, TAR_MAGIC, 0, TAR_MAGIC.length)) {
      return TAR;
    }
    return UNKNOWN;
  }

  boolean isCompressed() {
    return this == GZIP || this == XZ || this == ZSTD;
  }

  boolean isArchive() {
    return this == TAR || isCompressed();
  }

  /**
   * The content of {@code in}, decompressed (xz by {@code xz}); closing the result releases the
   * decompressor (zstd's is native memory, xz's may be a process) and closes {@code in}. Concatenated
   * gzip members (pigz) and xz streams are read on.
   */
  InputStream open(InputStream in, XzDecoder xz) throws IOException {
    return switch (this) {
      case GZIP -> new GzipCompressorInputStream(in, true);
      case XZ -> xz.openStream(in);
      case ZSTD -> new ZstdInputStreamNoFinalizer(in);
      case TAR -> in;
      case DIRECTORY, UNKNOWN -> throw new IllegalStateException("a " + description + " is no stream to decompress");
    };
  }

  @Override
  public String toString() {
    return description;
  }

  private static boolean startsWith(byte[] head, int length, byte[] magic) {
    return length >= magic.length && Arrays.equals(head, 0, magic.length, magic, 0, magic.length);
  }
}
