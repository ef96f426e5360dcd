package dev.mirrorseed.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.fixtures.Sha256;
import dev.mirrorseed.fixtures.BundleFormats;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.Compression;
import dev.mirrorseed.fixtures.GeneratedBundle;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.plan.BrokenImage;
import dev.mirrorseed.plan.BundlePlanner;
import dev.mirrorseed.plan.PlanListener;
import dev.mirrorseed.plan.PlanOptions;
import dev.mirrorseed.reference.MirrorTarget;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BundleSourceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;
  static GeneratedBundle bundle;
  static Path bundleTar;

  @TempDir Path temp;

  @BeforeAll
  static void generate() {
    bundle = BundleGenerator.generate(BundleSpec.of(3, 256 << 10).withMultiArch(true), shared.resolve("layout"));
    bundleTar = BundleFormats.archive(bundle.layout(), shared.resolve("bundle.tar"), Compression.NONE);
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void theBundleDigestIsTheWholeFilesSha256WhateverItsCompression(Compression compression) throws IOException {
    Path archive = BundleFormats.archive(bundle.layout(), temp.resolve("b.tar" + compression.extension()), compression);
    Recorder recorder = new Recorder();

    String digest = BundleSource.open(archive, temp.resolve("staging")).read(Long.MAX_VALUE, false, XzDecoder.AUTO, recorder);

    assertThat(digest).isEqualTo(Sha256.of(archive));
    assertThat(blobNames(temp.resolve("staging"))).isEqualTo(blobNames(bundle.layout())).hasSize(bundle.uniqueBlobs());
    assertThat(recorder.events).startsWith("staged").endsWith("listed :3", "ended ");
  }

  @Test
  void anXzBundleOfManyBlocksIsDecodedInParallelAndStillDigestedWhole() throws IOException {
    Path archive = BundleFormats.compressXz(bundleTar, temp.resolve("b.tar.xz"), 16 << 10);
    assertThat(XzBlocks.read(archive).count()).isGreaterThan(10);
    Recorder recorder = new Recorder();

    String digest = BundleSource.open(archive, temp.resolve("staging")).read(Long.MAX_VALUE, false, XzDecoder.AUTO, recorder);

    assertThat(digest).isEqualTo(Sha256.of(archive));
    assertThat(blobNames(temp.resolve("staging"))).isEqualTo(blobNames(bundle.layout())).hasSize(bundle.uniqueBlobs());
    assertThat(recorder.events).startsWith("staged").endsWith("listed :3", "ended ");
  }

  @Test
  void blobsAlreadyStagedAreNotWrittenAgainButStillCountTowardsTheDigest() throws IOException {
    Path staging = temp.resolve("staging");
    BundleSource.open(bundleTar, staging).read(Long.MAX_VALUE, false, XzDecoder.AUTO, new Recorder());
    Path someBlob = staging.resolve("blobs/sha256").resolve(blobNames(staging).get(0));
    FileTime written = FileTime.fromMillis(0);
    Files.setLastModifiedTime(someBlob, written);

    String again = BundleSource.open(bundleTar, staging).read(Long.MAX_VALUE, false, XzDecoder.AUTO, new Recorder());

    assertThat(Files.getLastModifiedTime(someBlob)).isEqualTo(written);
    assertThat(again).isEqualTo(Sha256.of(bundleTar));
  }

  @Test
  void aLayoutUnderLeadingDirectoriesIsListedWithItsDirectory() throws IOException {
    Path tar = temp.resolve("prefixed.tar");
    try (TarBuilder builder = new TarBuilder(tar)) {
      builder.layout(bundle.layout(), "./release/bundle/");
    }
    Recorder recorder = new Recorder();

    BundleSource.open(tar, temp.resolve("staging")).read(Long.MAX_VALUE, false, XzDecoder.AUTO, recorder);

    assertThat(recorder.events).contains("listed release/bundle:3");
    assertThat(blobNames(temp.resolve("staging"))).hasSize(bundle.uniqueBlobs());
  }

  @Test
  void filesNoListingPointsAtAreNeitherStagedNorReadAsImages() throws IOException {
    Path tar = temp.resolve("with-extras.tar");
    try (TarBuilder builder = new TarBuilder(tar)) {
      builder.layout(bundle.layout(), "")
          .file("docs/README.md", "how to install".getBytes(StandardCharsets.UTF_8))
          .file("docs/notes.txt.gz", gzip("not a tar".getBytes(StandardCharsets.UTF_8)))
          .file("docs/rootfs.tar", tarOfOneFile());
    }
    Recorder recorder = new Recorder();

    BundleSource.open(tar, temp.resolve("staging")).read(Long.MAX_VALUE, false, XzDecoder.AUTO, recorder);

    assertThat(blobNames(temp.resolve("staging"))).hasSize(bundle.uniqueBlobs());
    assertThat(recorder.events).noneMatch(event -> event.startsWith("refused") || event.startsWith("broken"))
        .contains("ended docs/rootfs.tar"); // read as a nested archive, which holds no image
  }

  @Test
  void aLinkInsideTheArchiveIsFollowedWhereDockerSavePointsAtIt() throws IOException {
    Path save = BundleFormats.dockerSave(bundle, temp.resolve("save.tar"), Map.of());
    Path linked = temp.resolve("linked.tar");
    // The second image's first layer becomes a symbolic link, as docker save writes a shared layer.
    try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(save));
        TarBuilder out = new TarBuilder(linked)) {
      for (TarArchiveEntry entry; (entry = in.getNextEntry()) != null; ) {
        if (entry.isDirectory()) {
          continue;
        }
        byte[] content = in.readAllBytes();
        if (entry.getName().equals("manifest.json")) {
          ArrayNode manifest = (ArrayNode) JSON.readTree(content);
          ArrayNode layers = (ArrayNode) manifest.get(1).get("Layers");
          String original = layers.get(0).asText();
          out.symlink("shared/alias/layer.tar", "../../" + original);
          layers.set(0, "shared/alias/layer.tar");
          content = JSON.writeValueAsBytes(manifest);
        }
        out.file(entry.getName(), content);
      }
    }
    List<ImageSpec> plain = new ArrayList<>();
    List<ImageSpec> viaLink = new ArrayList<>();
    MirrorTarget target = MirrorTarget.parse("m.local:5000");

    BundlePlanner.stream(save, temp.resolve("s1"), target, PlanOptions.defaults(), collect(plain));
    BundlePlanner.stream(linked, temp.resolve("s2"), target, PlanOptions.defaults(), collect(viaLink));

    assertThat(viaLink).hasSize(2).isEqualTo(plain);
  }

  @Test
  void entriesThatWouldLeaveTheArchiveAreRefusedByName() throws IOException {
    Path dotDot = temp.resolve("dotdot.tar");
    try (TarBuilder builder = new TarBuilder(dotDot)) {
      builder.layout(bundle.layout(), "").file("blobs/../../evil2", new byte[1]);
    }
    Path absolute = temp.resolve("absolute.tar");
    try (TarBuilder builder = new TarBuilder(absolute)) {
      builder.file("/etc/evil", new byte[1]);
    }
    Path symlink = temp.resolve("symlink.tar");
    try (TarBuilder builder = new TarBuilder(symlink)) {
      builder.symlink("blobs/sha256/evil", "../../../etc/passwd");
    }
    Path hardlink = temp.resolve("hardlink.tar");
    try (TarBuilder builder = new TarBuilder(hardlink)) {
      builder.layout(bundle.layout(), "").hardlink("blobs/sha256/" + "a".repeat(64), "/etc/shadow");
    }

    assertThatThrownBy(() -> read(dotDot)).isInstanceOf(BundleException.class)
        .hasMessage("tar entry 'blobs/../../evil2' in " + dotDot
            + " points outside the archive with '..': refusing the bundle; re-create it from clean files");
    assertThatThrownBy(() -> read(absolute)).isInstanceOf(BundleException.class)
        .hasMessageContaining("'/etc/evil'").hasMessageContaining("absolute path");
    assertThatThrownBy(() -> read(symlink)).isInstanceOf(BundleException.class)
        .hasMessageContaining("'blobs/sha256/evil'").hasMessageContaining("symbolic link to '../../../etc/passwd'");
    assertThatThrownBy(() -> read(hardlink)).isInstanceOf(BundleException.class)
        .hasMessageContaining("'blobs/sha256/aaaa").hasMessageContaining("hard link to '/etc/shadow'");
    try (Stream<Path> all = Files.walk(temp)) {
      assertThat(all.filter(Files::isRegularFile)).allSatisfy(file ->
          assertThat(file.startsWith(temp.resolve("staging")) || file.getFileName().toString().endsWith(".tar")).isTrue());
    }
  }

  @Test
  void aBlobEntryWhoseContentDoesNotMatchItsNameIsRefusedAndNotStaged() throws IOException {
    String name = "blobs/sha256/" + blobNames(bundle.layout()).get(0);
    Path tar = temp.resolve("corrupt.tar");
    try (TarBuilder builder = new TarBuilder(tar)) {
      builder.file(name, "not what the name says".getBytes()).layout(bundle.layout(), "");
    }
    Recorder recorder = new Recorder();

    BundleSource.open(tar, temp.resolve("staging")).read(Long.MAX_VALUE, false, XzDecoder.AUTO, recorder);

    assertThat(recorder.refusals).singleElement().asString()
        .contains("tar entry '" + name + "' in " + tar)
        .contains("hashes to " + Digest.of("not what the name says".getBytes()));
    assertThat(temp.resolve("staging/.ingest")).isEmptyDirectory();
  }

  @Test
  void somethingElseIsNamedWithWhatToPassInstead() throws IOException {
    Path text = Files.writeString(temp.resolve("notes.tar"), "just text");
    Path gzippedText = Files.write(temp.resolve("notes.tar.gz"), gzip("just text".getBytes()));
    Path emptyDir = Files.createDirectories(temp.resolve("empty"));

    assertThatThrownBy(() -> read(text))
        .isInstanceOf(BundleException.class).hasMessageContaining("neither a directory nor a tar, gzip, xz or zstd archive");
    assertThatThrownBy(() -> read(gzippedText))
        .isInstanceOf(BundleException.class).hasMessageContaining("is a gzip stream, but what it holds is not a tar");
    assertThatThrownBy(() -> read(emptyDir))
        .isInstanceOf(BundleException.class).hasMessageContaining(emptyDir + " has no index.json");
    assertThatThrownBy(() -> read(temp.resolve("absent.tar")))
        .isInstanceOf(BundleException.class).hasMessageContaining("does not exist");
  }

  private String read(Path source) {
    return BundleSource.open(source, temp.resolve("staging")).read(Long.MAX_VALUE, false, XzDecoder.AUTO, new Recorder());
  }

  private static PlanListener collect(List<ImageSpec> images) {
    return new PlanListener() {
      @Override
      public void imageReady(ImageSpec image) {
        images.add(image);
      }

      @Override
      public void imageBroken(BrokenImage image) {
        throw new AssertionError(image.reason());
      }
    };
  }

  /** Events as short strings: "staged", "listed <directory>:<n>", "ended <archive>", ... */
  private static final class Recorder implements BundleVisitor {
    final List<String> events = new ArrayList<>();
    final List<String> refusals = new ArrayList<>();

    @Override
    public void imagesListed(Origin origin, List<ListedImage> images) {
      events.add("listed " + origin.directory() + ":" + images.size());
    }

    @Override
    public void listingBroken(Origin origin, String listing, String reason) {
      events.add("broken " + reason);
    }

    @Override
    public void blobStaged(Digest digest, long size) {
      events.add("staged");
    }

    @Override
    public void blobRefused(String archive, Digest digest, String reason) {
      events.add("refused");
      refusals.add(reason);
    }

    @Override
    public List<Digest> awaited() {
      return List.of();
    }

    @Override
    public void archiveEnded(String archive) {
      events.add("ended " + archive);
    }

    @Override
    public void archiveBroken(String archive, String reason) {
      events.add("broken " + reason);
    }
  }

  private static byte[] tarOfOneFile() throws IOException {
    var bytes = new ByteArrayOutputStream();
    try (TarBuilder builder = new TarBuilder(bytes)) {
      builder.file("etc/hostname", "layer\n".getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  private static byte[] gzip(byte[] content) throws IOException {
    var bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GzipCompressorOutputStream(bytes)) {
      out.write(content);
    }
    return bytes.toByteArray();
  }

  private static List<String> blobNames(Path layout) throws IOException {
    try (Stream<Path> files = Files.list(layout.resolve("blobs/sha256"))) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    }
  }

}
