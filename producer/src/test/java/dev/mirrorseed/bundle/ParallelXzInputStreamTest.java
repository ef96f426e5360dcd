package dev.mirrorseed.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mirrorseed.fixtures.BundleDamage;
import dev.mirrorseed.fixtures.BundleFormats;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.XZInputStream;

/**
 * An xz file of many blocks, decoded a block per thread, reads as the library's sequential reader
 * reads it: the same bytes in the same order, the same failure for a damaged block (after every block
 * before it). Files it cannot tell the blocks of, or with one block, are left to the sequential reader.
 */
class ParallelXzInputStreamTest {
  private static final int STRIPE_BYTES = 64 << 10;

  @TempDir static Path shared;
  /** 3 MiB in stripes: one of random bytes (LZMA2 stores them raw), three compressible ones. */
  static Path content;

  @TempDir Path temp;

  @BeforeAll
  static void writeContent() throws IOException {
    Random random = new Random(7);
    ByteBuffer bytes = ByteBuffer.allocate(3 << 20);
    while (bytes.hasRemaining()) {
      boolean stamped = bytes.position() / STRIPE_BYTES % 4 != 0;
      for (int i = 0; i < STRIPE_BYTES; i += Long.BYTES) {
        // Each compressible word says where it is: bytes handed on out of order cannot match.
        bytes.putLong(stamped ? bytes.position() : random.nextLong());
      }
    }
    content = Files.write(shared.resolve("content"), bytes.array());
  }

  @Test
  void theFixturesMultiBlockXzDecodesToTheSameBytesAsTheSequentialReader() throws IOException {
    Path xz = BundleFormats.compressXz(content, temp.resolve("c.xz"), 256 << 10);

    assertThat(XzBlocks.read(xz).count()).isEqualTo(12);
    assertThat(parallel(xz, 3)).isEqualTo(sequential(xz)).isEqualTo(Files.readAllBytes(content));
  }

  @Test
  void whatTheXzToolWritesWithThreadsDecodesToTheSameBytes() throws IOException, InterruptedException {
    assertThat(onPath("xz")).as("xz on PATH (scripts/install-deps.sh --for-tests)").isTrue();
    Path xz = temp.resolve("tool.xz");
    Process tool = new ProcessBuilder("xz", "-0", "-T2", "--block-size=1MiB", "-c", content.toString())
        .redirectOutput(xz.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    assertThat(tool.waitFor()).isZero();

    assertThat(XzBlocks.read(xz).count()).isEqualTo(3);
    assertThat(parallel(xz, 2)).isEqualTo(Files.readAllBytes(content));
  }

  @Test
  void manySmallBlocksComeOutInOrderHoweverTheyAreRead() throws IOException {
    Path xz = BundleFormats.compressXz(content, temp.resolve("c.xz"), 4 << 10);
    assertThat(XzBlocks.read(xz).count()).isEqualTo(768);

    try (InputStream raw = rawOf(xz); InputStream in = ParallelXzInputStream.open(xz, raw, 4).orElseThrow()) {
      assertThat(readInOddPieces(in)).isEqualTo(Files.readAllBytes(content));
    }
  }

  @Test
  void concatenatedStreamsAndStreamPaddingAreReadOn() throws IOException {
    Path first = BundleFormats.compressXz(content, temp.resolve("1.xz"), 512 << 10);
    Path second = BundleFormats.compressXz(content, temp.resolve("2.xz"), 1 << 20);
    Path both = temp.resolve("both.xz");
    try (OutputStream out = Files.newOutputStream(both)) {
      out.write(Files.readAllBytes(first));
      out.write(new byte[8]); // stream padding: a multiple of four zero bytes
      out.write(Files.readAllBytes(second));
      out.write(new byte[4]);
    }

    assertThat(XzBlocks.read(both).count()).isEqualTo(6 + 3);
    assertThat(parallel(both, 2)).isEqualTo(sequential(both));
  }

  @Test
  void aByteFlippedInsideABlockFailsAsTheSequentialReaderFailsAfterEveryBlockBeforeIt() throws IOException {
    Path xz = BundleFormats.compressXz(content, temp.resolve("c.xz"), 256 << 10);
    XzBlocks blocks = XzBlocks.read(xz);
    XzBlocks.Block victim = blocks.get(5);
    BundleDamage.flipByte(xz, victim.offset() + victim.compressedBytes() / 2);

    Throwable sequential = catchThrowable(() -> sequential(xz));
    ByteArrayOutputStream handedOn = new ByteArrayOutputStream();
    Throwable parallel;
    try (InputStream raw = rawOf(xz); InputStream in = ParallelXzInputStream.open(xz, raw, 3).orElseThrow()) {
      parallel = catchThrowable(() -> in.transferTo(handedOn));
    }

    assertThat(sequential).isNotNull();
    assertThat(parallel).hasSameClassAs(sequential).hasMessage(sequential.getMessage());
    byte[] whole = Files.readAllBytes(content);
    assertThat(handedOn.toByteArray()).isEqualTo(Arrays.copyOf(whole, (int) (5 * (256 << 10))));
  }

  @Test
  void aTruncatedFileIsLeftToTheSequentialReader() throws IOException {
    Path xz = BundleFormats.compressXz(content, temp.resolve("c.xz"), 256 << 10);
    BundleDamage.truncate(xz, Files.size(xz) * 3 / 4);

    try (InputStream raw = rawOf(xz)) {
      assertThat(ParallelXzInputStream.open(xz, raw)).isEmpty();
    }
  }

  @Test
  void aSingleBlockFileIsLeftToTheSequentialReader() throws IOException {
    Path single = BundleFormats.compressXz(content, temp.resolve("single.xz"), Long.MAX_VALUE);
    Path many = BundleFormats.compressXz(content, temp.resolve("many.xz"), 1 << 20);

    try (InputStream raw = rawOf(single); InputStream other = rawOf(many)) {
      assertThat(XzBlocks.read(single).count()).isEqualTo(1);
      assertThat(ParallelXzInputStream.open(single, raw)).isEmpty();
      Optional<InputStream> parallel = ParallelXzInputStream.open(many, other);
      assertThat(parallel).isPresent();
      parallel.get().close();
    }
  }

  @Test
  void blocksTooBigToHoldAFewOfAreLeftToTheSequentialReader() {
    long big = ParallelXzInputStream.MAX_BLOCK_BYTES + 1;
    XzBlocks huge = new XzBlocks(List.of(new XzBlocks.Block(0, 12, big, big), new XzBlocks.Block(1, 12 + big, 64, 10)));
    long xzDefault = 24 << 20; // xz -6 -T0
    XzBlocks usual = new XzBlocks(List.of(new XzBlocks.Block(0, 12, xzDefault, xzDefault),
        new XzBlocks.Block(1, 12 + xzDefault, xzDefault, xzDefault)));

    assertThat(ParallelXzInputStream.blocksInFlight(huge, 2)).isZero();
    assertThat(ParallelXzInputStream.blocksInFlight(usual, 2)).isBetween(2, 4);
  }

  @Test
  void closingBeforeTheEndStopsEveryThread() throws IOException {
    Path xz = BundleFormats.compressXz(content, temp.resolve("c.xz"), 64 << 10);
    try (InputStream raw = rawOf(xz); InputStream in = ParallelXzInputStream.open(xz, raw, 3).orElseThrow()) {
      assertThat(in.readNBytes(100_000)).hasSize(100_000);
    }

    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(thread -> thread.getName().startsWith("mirrorseed-xz-") && thread.isAlive());
  }

  private static byte[] parallel(Path xz, int decoders) throws IOException {
    try (InputStream raw = rawOf(xz); InputStream in = ParallelXzInputStream.open(xz, raw, decoders).orElseThrow()) {
      return in.readAllBytes();
    }
  }

  private static byte[] sequential(Path xz) throws IOException {
    try (InputStream in = new XZInputStream(rawOf(xz))) {
      return in.readAllBytes();
    }
  }

  private static InputStream rawOf(Path file) throws IOException {
    return new BufferedInputStream(Files.newInputStream(file), 1 << 20);
  }

  /** Single bytes and reads of sizes that never line up with a block. */
  private static byte[] readInOddPieces(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[7919];
    for (int round = 0; ; round++) {
      if (round % 3 == 0) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        out.write(b);
      } else {
        int n = in.read(buffer, 0, 1 + round % buffer.length);
        if (n < 0) {
          break;
        }
        out.write(buffer, 0, n);
      }
    }
    return out.toByteArray();
  }

  private static boolean onPath(String command) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(directory -> Files.isExecutable(Path.of(directory, command)));
  }
}
