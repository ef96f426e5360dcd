package dev.mirrorseed.bundle;

import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.MediaTypes;
import dev.mirrorseed.staging.StagingStore;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterInputStream;

/**
 * gzip of a docker-save layer (for {@code --compress gzip}) that is the same bytes on every run: fixed
 * level, no file name, modification time 0 and OS "unknown" in the header. The header is written
 * here because GZIPOutputStream's has changed between JDK releases; the same zlib then gives the same
 * bytes, so the pushed digest depends only on the bundle.
 */
final class LayerGzip {
  static final int LEVEL = 6;
  private static final int BUFFER_BYTES = 1 << 20;
  private static final byte[] HEADER = {
    0x1f, (byte) 0x8b, // magic
    Deflater.DEFLATED, // method
    0, // flags: no name, no comment, no extra field
    0, 0, 0, 0, // modification time: none
    0, // extra flags
    (byte) 255, // OS: unknown
  };

  private LayerGzip() {}

  /** Compresses staged blob {@code layer} into a blob of its own. */
  static Descriptor compress(StagingStore store, Digest layer) {
    Path file = store.blobPath(layer);
    Deflater deflater = new Deflater(LEVEL, true);
    CRC32 crc = new CRC32();
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER_BYTES);
        DeflaterInputStream deflated =
            new DeflaterInputStream(new CheckedInputStream(raw, crc), deflater, BUFFER_BYTES)) {
      // The trailer is asked for only once the deflated stream is exhausted, when CRC and size are final.
      Iterator<Supplier<InputStream>> parts = List.<Supplier<InputStream>>of(
          () -> new ByteArrayInputStream(HEADER),
          () -> deflated,
          () -> new ByteArrayInputStream(trailer(crc.getValue(), deflater.getBytesRead()))).iterator();
      Enumeration<InputStream> sequence = new Enumeration<>() {
        @Override
        public boolean hasMoreElements() {
          return parts.hasNext();
        }

        @Override
        public InputStream nextElement() {
          return parts.next().get();
        }
      };
      return store.add(new SequenceInputStream(sequence), MediaTypes.OCI_LAYER_GZIP);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot gzip layer " + layer + " in " + file + ": " + e.getMessage(), e);
    } finally {
      deflater.end();
    }
  }

  private static byte[] trailer(long crc32, long uncompressedBytes) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
        .putInt((int) crc32)
        .putInt((int) uncompressedBytes) // ISIZE is the size modulo 2^32
        .array();
  }
}
