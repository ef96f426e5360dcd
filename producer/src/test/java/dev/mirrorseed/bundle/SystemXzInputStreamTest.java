package dev.mirrorseed.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mirrorseed.fixtures.BundleDamage;
import dev.mirrorseed.fixtures.BundleFormats;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.XZInputStream;

/**
 * XZ Utils' xz, run as a process, reads as the Java decoder reads: the same bytes, the compressed
 * stream read to its end (it is hashed on the way), a damaged or truncated stream failing after what
 * came before it, and no process left behind. scripts/install-deps.sh installs xz for the tests.
 */
class SystemXzInputStreamTest {
  /** 2 MiB, half random (stored as it is), half compressible. */
  static byte[] content;

  @TempDir Path temp;
  Path xz;

  @BeforeAll
  static void writeContent() {
    Random random = new Random(11);
    content = new byte[2 << 20];
    random.nextBytes(content);
    for (int i = content.length / 2; i < content.length; i++) {
      content[i] = (byte) (i / 4096);
    }
  }

  @BeforeEach
  void findXz() {
    assertThat(SystemXzInputStream.onPath()).as("xz on PATH (scripts/install-deps.sh --for-tests)").isPresent();
    xz = SystemXzInputStream.onPath().orElseThrow();
  }

  @Test
  void decodesManyBlocksAndConcatenatedStreamsToWhatTheJavaDecoderReadsAndReadsTheInputToItsEnd()
      throws IOException {
    Path file = twoStreams(BundleFormats.compressXz(write("c"), temp.resolve("c.xz"), 256 << 10));
    CountingInputStream compressed = new CountingInputStream(Files.newInputStream(file));

    byte[] decoded;
    try (InputStream in = SystemXzInputStream.decode(xz, compressed, 0)) {
      decoded = in.readAllBytes();
      assertThat(compressed.count).isEqualTo(Files.size(file));
    }

    try (InputStream java = new XZInputStream(Files.newInputStream(file))) {
      assertThat(decoded).hasSize(2 * content.length).isEqualTo(java.readAllBytes());
    }
    assertThat(compressed.closed).isTrue();
  }

  @Test
  void aCorruptStreamFailsAfterTheBlocksBeforeTheDamageWithXzsOwnWords() throws IOException {
    Path file = BundleFormats.compressXz(write("c"), temp.resolve("c.xz"), 256 << 10);
    long damage = Files.size(file) * 3 / 4;
    // A block's check is known only at its end: what xz wrote of the damaged block may be wrong.
    long wholeBlocksBytes = XzBlocks.read(file).blocks().stream()
        .filter(block -> block.end() <= damage).mapToLong(XzBlocks.Block::bytes).sum();
    BundleDamage.flipByte(file, damage);
    ByteArrayOutputStream read = new ByteArrayOutputStream();

    Throwable failure;
    try (InputStream in = SystemXzInputStream.decode(xz, Files.newInputStream(file), 0)) {
      failure = catchThrowable(() -> in.transferTo(read));
    }

    assertThat(failure).isInstanceOf(IOException.class).hasMessage("Compressed data is corrupt");
    assertThat(wholeBlocksBytes).isPositive();
    assertThat(read.size()).isGreaterThanOrEqualTo((int) wholeBlocksBytes);
    assertThat(Arrays.copyOf(read.toByteArray(), (int) wholeBlocksBytes))
        .isEqualTo(Arrays.copyOf(content, (int) wholeBlocksBytes));
  }

  @Test
  void aTruncatedStreamFailsAsTheEndOfInputComingTooSoon() throws IOException {
    Path file = BundleFormats.compressXz(write("c"), temp.resolve("c.xz"), 256 << 10);
    BundleDamage.truncate(file, Files.size(file) / 2);

    Throwable failure;
    try (InputStream in = SystemXzInputStream.decode(xz, Files.newInputStream(file), 0)) {
      failure = catchThrowable(() -> in.transferTo(OutputStream.nullOutputStream()));
    }

    assertThat(failure).isInstanceOf(IOException.class).hasMessage("Unexpected end of input");
  }

  @Test
  void aFailureToReadTheCompressedStreamIsReportedAsItselfNotAsXzSeeingItsInputEnd() throws IOException {
    Path file = BundleFormats.compressXz(write("c"), temp.resolve("c.xz"), 256 << 10);
    IllegalStateException outerDamage = new IllegalStateException("the archive around it is damaged");
    InputStream failingHalfway = new FilterInputStream(Files.newInputStream(file)) {
      long left = Files.size(file) / 2;

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        if (left <= 0) {
          throw outerDamage;
        }
        int n = super.read(buffer, offset, (int) Math.min(length, left));
        left -= Math.max(n, 0);
        return n;
      }
    };

    Throwable failure;
    try (InputStream in = SystemXzInputStream.decode(xz, failingHalfway, 1)) {
      failure = catchThrowable(() -> in.transferTo(OutputStream.nullOutputStream()));
    }

    assertThat(failure).isSameAs(outerDamage);
  }

  @Test
  void closingBeforeTheEndStopsTheProcessAndClosesTheCompressedStream() throws IOException {
    Path file = BundleFormats.compressXz(write("c"), temp.resolve("c.xz"), 256 << 10);
    CountingInputStream compressed = new CountingInputStream(Files.newInputStream(file));

    try (InputStream in = SystemXzInputStream.decode(xz, compressed, 0)) {
      assertThat(in.readNBytes(1000)).isEqualTo(Arrays.copyOf(content, 1000));
      assertThat(XzProcesses.running()).isEqualTo(1);
    }

    assertThat(XzProcesses.running()).isZero();
    assertThat(compressed.closed).isTrue();
  }

  @Test
  void onlyAnXzOfXzUtilsIsRunAsTheFirstOnThePath() throws IOException {
    Path bin = Files.createDirectories(temp.resolve("bin"));
    // BusyBox's xz, say: it knows no --version, nor the options a decode is run with.
    Path other = Files.writeString(bin.resolve("xz"), "#!/bin/sh\necho \"xz: unrecognized option '$1'\" >&2\nexit 1\n");
    assertThat(other.toFile().setExecutable(true)).isTrue();

    assertThat(SystemXzInputStream.find(xz.getParent().toString())).contains(xz);
    assertThat(SystemXzInputStream.find(bin + File.pathSeparator + xz.getParent())).isEmpty();
    assertThat(SystemXzInputStream.find(temp.resolve("nothing") + File.pathSeparator + xz.getParent())).contains(xz);
    assertThat(SystemXzInputStream.find("")).isEmpty();
  }

  private Path write(String name) throws IOException {
    return Files.write(temp.resolve(name), content);
  }

  /** {@code xz}'s streams twice over, as {@code cat a.xz b.xz} makes them. */
  private Path twoStreams(Path file) throws IOException {
    Path both = temp.resolve("both.xz");
    byte[] once = Files.readAllBytes(file);
    try (OutputStream out = Files.newOutputStream(both)) {
      out.write(once);
      out.write(once);
    }
    return both;
  }

  private static final class CountingInputStream extends FilterInputStream {
    long count;
    boolean closed;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count += b < 0 ? 0 : 1;
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      count += Math.max(n, 0);
      return n;
    }

    @Override
    public void close() throws IOException {
      closed = true;
      super.close();
    }
  }
}
