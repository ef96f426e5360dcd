package dev.mirrorseed.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.GeneratedBundle;
import dev.mirrorseed.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleSourceTest {
  @TempDir static Path shared;
  static GeneratedBundle bundle;
  static Path bundleTar;

  @TempDir Path temp;

  @BeforeAll
  static void generate() {
    bundle = BundleGenerator.generate(BundleSpec.of(3, 256 << 10).withMultiArch(true), shared.resolve("layout"));
    bundleTar = BundleGenerator.writeTar(bundle.layout(), shared.resolve("bundle.tar"));
  }

  @Test
  void aTarIsStagedInOnePassAndItsDigestIsTheWholeFilesSha256() throws IOException {
    Path staging = temp.resolve("staging");

    StagedBundle staged = BundleSource.stage(bundleTar, staging);

    assertThat(staged.bundleDigest()).isEqualTo(sha256(bundleTar));
    assertThat(staged.blobsVerified()).isTrue();
    assertThat(staged.indexJson()).isEqualTo(Files.readAllBytes(bundle.layout().resolve("index.json")));
    assertThat(blobNames(staging)).isEqualTo(blobNames(bundle.layout())).hasSize(bundle.uniqueBlobs());
    assertThat(staging.resolve("oci-layout")).exists();
  }

  @Test
  void blobsAlreadyStagedAreNotWrittenAgainButStillCountTowardsTheDigest() throws IOException {
    Path staging = temp.resolve("staging");
    BundleSource.stage(bundleTar, staging);
    Path someBlob = staging.resolve("blobs/sha256").resolve(blobNames(staging).get(0));
    FileTime written = FileTime.fromMillis(0);
    Files.setLastModifiedTime(someBlob, written);

    StagedBundle again = BundleSource.stage(bundleTar, staging);

    assertThat(Files.getLastModifiedTime(someBlob)).isEqualTo(written);
    assertThat(again.bundleDigest()).isEqualTo(sha256(bundleTar));
  }

  @Test
  void aLayoutUnderOneLeadingDirectoryIsRead() throws IOException {
    Path tar = temp.resolve("prefixed.tar");
    try (TarBuilder builder = new TarBuilder(tar)) {
      builder.layout(bundle.layout(), "./bundle/");
    }

    StagedBundle staged = BundleSource.stage(tar, temp.resolve("staging"));

    assertThat(staged.indexJson()).isEqualTo(Files.readAllBytes(bundle.layout().resolve("index.json")));
    assertThat(blobNames(temp.resolve("staging"))).hasSize(bundle.uniqueBlobs());
  }

  @Test
  void anEntryClimbingOutWithDotDotIsRefusedAndNothingLandsOutsideTheStagingDirectory() throws IOException {
    Path tar = temp.resolve("evil.tar");
    try (TarBuilder builder = new TarBuilder(tar)) {
      builder.layout(bundle.layout(), "").file("../evil", "owned".getBytes()).file("blobs/../../evil2", new byte[1]);
    }

    assertThatThrownBy(() -> BundleSource.stage(tar, temp.resolve("staging")))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("tar entry '../evil'")
        .hasMessageContaining(tar.toString());
    try (Stream<Path> all = Files.walk(temp)) {
      assertThat(all.filter(Files::isRegularFile))
          .allSatisfy(file -> assertThat(file.startsWith(temp.resolve("staging")) || file.equals(tar)).isTrue());
    }
  }

  @Test
  void absolutePathsAndLinksAreRefusedByName() throws IOException {
    Path absolute = temp.resolve("absolute.tar");
    try (TarBuilder builder = new TarBuilder(absolute)) {
      builder.file("/etc/evil", new byte[1]);
    }
    Path symlink = temp.resolve("symlink.tar");
    try (TarBuilder builder = new TarBuilder(symlink)) {
      builder.symlink("index.json", "/etc/passwd");
    }
    Path hardlink = temp.resolve("hardlink.tar");
    try (TarBuilder builder = new TarBuilder(hardlink)) {
      builder.layout(bundle.layout(), "").hardlink("blobs/sha256/" + "a".repeat(64), "/etc/shadow");
    }

    assertThatThrownBy(() -> BundleSource.stage(absolute, temp.resolve("s1")))
        .isInstanceOf(BundleException.class).hasMessageContaining("'/etc/evil'").hasMessageContaining("absolute path");
    assertThatThrownBy(() -> BundleSource.stage(symlink, temp.resolve("s2")))
        .isInstanceOf(BundleException.class).hasMessageContaining("'index.json'").hasMessageContaining("link");
    assertThatThrownBy(() -> BundleSource.stage(hardlink, temp.resolve("s3")))
        .isInstanceOf(BundleException.class).hasMessageContaining("'blobs/sha256/aaaa").hasMessageContaining("link");
    assertThat(temp.resolve("s2/index.json")).doesNotExist();
  }

  @Test
  void aBlobEntryWhoseContentDoesNotMatchItsNameIsNamed() throws IOException {
    String name = "blobs/sha256/" + blobNames(bundle.layout()).get(0);
    Path tar = temp.resolve("corrupt.tar");
    try (TarBuilder builder = new TarBuilder(tar)) {
      builder.file(name, "not what the name says".getBytes()).layout(bundle.layout(), "");
    }

    assertThatThrownBy(() -> BundleSource.stage(tar, temp.resolve("staging")))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("tar entry '" + name + "'")
        .hasMessageContaining("hashes to " + Digest.of("not what the name says".getBytes()));
    assertThat(temp.resolve("staging").resolve(name)).doesNotExist();
  }

  @Test
  void compressedBundlesAreRecognisedByContentAndDeferred() throws IOException {
    Path gzip = temp.resolve("bundle.tar"); // the name lies: the content decides
    try (InputStream in = Files.newInputStream(bundleTar);
        OutputStream out = new GzipCompressorOutputStream(Files.newOutputStream(gzip))) {
      in.transferTo(out);
    }
    Path xz = temp.resolve("bundle.xz");
    Files.write(xz, new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 1, 2});
    Path zstd = temp.resolve("bundle.zst");
    Files.write(zstd, new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0});

    for (Path file : List.of(gzip, xz, zstd)) {
      assertThatThrownBy(() -> BundleSource.stage(file, temp.resolve("staging")))
          .isInstanceOf(BundleException.class)
          .hasMessageStartingWith(file.toString())
          .hasMessageContaining("compressed bundles are not supported yet: decompress first");
    }
  }

  @Test
  void aTruncatedTarIsReportedAsDamaged() throws IOException {
    byte[] whole = Files.readAllBytes(bundleTar);
    Path truncated = temp.resolve("truncated.tar");
    Files.write(truncated, Arrays.copyOf(whole, whole.length / 2));

    assertThatThrownBy(() -> BundleSource.stage(truncated, temp.resolve("staging")))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining(truncated.toString())
        .hasMessageContaining("truncated or damaged");
  }

  @Test
  void somethingElseIsNamedWithWhatToPassInstead() throws IOException {
    Path text = Files.writeString(temp.resolve("notes.tar"), "just text");
    Path emptyDir = Files.createDirectories(temp.resolve("empty"));

    assertThatThrownBy(() -> BundleSource.stage(text, temp.resolve("s")))
        .isInstanceOf(BundleException.class).hasMessageContaining("neither an OCI layout directory nor a tar");
    assertThatThrownBy(() -> BundleSource.stage(emptyDir, temp.resolve("s")))
        .isInstanceOf(BundleException.class).hasMessageContaining(emptyDir + " has no index.json");
    assertThatThrownBy(() -> BundleSource.stage(temp.resolve("absent.tar"), temp.resolve("s")))
        .isInstanceOf(BundleException.class).hasMessageContaining("does not exist");
  }

  private static List<String> blobNames(Path layout) throws IOException {
    try (Stream<Path> files = Files.list(layout.resolve("blobs/sha256"))) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    }
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest digest = Digest.newHasher();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return Digest.fromHash(digest.digest()).toString();
  }
}
