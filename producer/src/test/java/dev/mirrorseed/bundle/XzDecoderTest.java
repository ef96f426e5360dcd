package dev.mirrorseed.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.fixtures.BundleFormats;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.XZInputStream;

/**
 * The automatic choice runs XZ Utils' xz where it pays: for a bundle file that compresses enough to
 * beat the Java decoder as that would decode it, and for xz streams inside a bundle; a file of data xz
 * could only store is left to the Java decoder, as is everything when Java is asked for. Whoever
 * decodes, the bytes are the same.
 */
class XzDecoderTest {
  private static final long SMALL_BLOCK_BYTES = 256 << 10;

  @TempDir Path temp;
  byte[] compressible;
  byte[] random;

  @BeforeEach
  void content() {
    assertThat(SystemXzInputStream.onPath()).as("xz on PATH (scripts/install-deps.sh --for-tests)").isPresent();
    compressible = new byte[1 << 20];
    for (int i = 0; i < compressible.length; i++) {
      compressible[i] = (byte) (i / 1000);
    }
    random = new byte[1 << 20];
    new Random(3).nextBytes(random);
  }

  @Test
  void aBundleFileThatCompressesIsDecodedByXz() throws IOException {
    Path many = xz("many", compressible, SMALL_BLOCK_BYTES);
    Path one = xz("one", compressible, Long.MAX_VALUE);
    assertThat(XzBlocks.read(many).compressedShare()).isLessThan(XzDecoder.MAX_SHARE_FOR_XZ_OVER_JAVA_PER_CORE);

    assertThat(decodedFile(XzDecoder.AUTO, many)).isEqualTo(new Decoded(SystemXzInputStream.class, compressible));
    assertThat(decodedFile(XzDecoder.AUTO, one)).isEqualTo(new Decoded(SystemXzInputStream.class, compressible));
  }

  @Test
  void aBundleFileOfDataXzCouldOnlyStoreIsDecodedInJava() throws IOException {
    Path many = xz("many", random, SMALL_BLOCK_BYTES);
    Path one = xz("one", random, Long.MAX_VALUE);
    assertThat(XzBlocks.read(many).compressedShare()).isGreaterThan(XzDecoder.MAX_SHARE_FOR_XZ_OVER_ONE_JAVA_THREAD);

    assertThat(decodedFile(XzDecoder.AUTO, many)).isEqualTo(new Decoded(ParallelXzInputStream.class, random));
    assertThat(decodedFile(XzDecoder.AUTO, one)).isEqualTo(new Decoded(XZInputStream.class, random));
  }

  @Test
  void aFileBetweenTheBoundsIsDecodedByXzInOneBlockButByJavaPerCoreInMany() throws IOException {
    byte[] mixed = random.clone();
    System.arraycopy(compressible, 0, mixed, 0, mixed.length * 2 / 5);
    Path many = xz("many", mixed, SMALL_BLOCK_BYTES);
    Path one = xz("one", mixed, Long.MAX_VALUE);
    assertThat(XzBlocks.read(many).compressedShare())
        .isBetween(XzDecoder.MAX_SHARE_FOR_XZ_OVER_JAVA_PER_CORE, XzDecoder.MAX_SHARE_FOR_XZ_OVER_ONE_JAVA_THREAD);

    assertThat(decodedFile(XzDecoder.AUTO, many)).isEqualTo(new Decoded(ParallelXzInputStream.class, mixed));
    assertThat(decodedFile(XzDecoder.AUTO, one)).isEqualTo(new Decoded(SystemXzInputStream.class, mixed));
  }

  @Test
  void theJavaDecoderNeverRunsXz() throws IOException {
    Path many = xz("many", compressible, SMALL_BLOCK_BYTES);
    Path one = xz("one", compressible, Long.MAX_VALUE);

    assertThat(decodedFile(XzDecoder.JAVA, many)).isEqualTo(new Decoded(ParallelXzInputStream.class, compressible));
    assertThat(decodedFile(XzDecoder.JAVA, one)).isEqualTo(new Decoded(XZInputStream.class, compressible));
    try (InputStream in = XzDecoder.JAVA.openStream(Files.newInputStream(one))) {
      assertThat(in).isInstanceOf(XZInputStream.class);
      assertThat(in.readAllBytes()).isEqualTo(compressible);
    }
  }

  @Test
  void anXzStreamInsideTheBundleIsDecodedByXzWhateverItHolds() throws IOException {
    Path stored = xz("stored", random, Long.MAX_VALUE);

    try (InputStream in = XzDecoder.AUTO.openStream(Files.newInputStream(stored))) {
      assertThat(in).isInstanceOf(SystemXzInputStream.class);
      assertThat(in.readAllBytes()).isEqualTo(random);
    }
  }

  /** Which stream decoded a file, and what it read. */
  private record Decoded(Class<?> by, byte[] bytes) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Decoded that && by == that.by && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
      return by.hashCode();
    }

    @Override
    public String toString() {
      return by.getSimpleName() + " read " + bytes.length + " bytes";
    }
  }

  private static Decoded decodedFile(XzDecoder decoder, Path file) throws IOException {
    try (InputStream in = decoder.openFile(file, Files.newInputStream(file))) {
      return new Decoded(in.getClass(), in.readAllBytes());
    }
  }

  private Path xz(String name, byte[] bytes, long blockBytes) throws IOException {
    Path plain = Files.write(temp.resolve(name), bytes);
    return BundleFormats.compressXz(plain, temp.resolve(name + ".xz"), blockBytes);
  }
}
