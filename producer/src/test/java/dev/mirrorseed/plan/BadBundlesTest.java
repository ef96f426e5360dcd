package dev.mirrorseed.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorseed.bundle.BundleException;
import dev.mirrorseed.bundle.TarBuilder;
import dev.mirrorseed.bundle.XzDecoder;
import dev.mirrorseed.bundle.XzProcesses;
import dev.mirrorseed.fixtures.BundleDamage;
import dev.mirrorseed.fixtures.BundleFormats;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.Compression;
import dev.mirrorseed.fixtures.EvilEntry;
import dev.mirrorseed.fixtures.GeneratedBundle;
import dev.mirrorseed.fixtures.GeneratedImage;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.MediaTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Broken bundles. What makes the rest unreadable ends the read with one line naming the file and
 * entry, after every image complete before it was handed on; what breaks one image breaks it alone,
 * naming the entry or blob, and the others are still handed on. Nothing lands outside the staging
 * directory, and no temp file survives.
 */
class BadBundlesTest {
  @TempDir Path work;
  GeneratedBundle bundle;
  Path staging;

  @BeforeEach
  void generate() {
    bundle = BundleGenerator.generate(BundleSpec.of(4, 1 << 20), work.resolve("layout"));
    staging = work.resolve("staging");
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void aTruncatedBundleEndsTheReadAfterTheImagesThatWereWhole(Compression compression) throws IOException {
    Path nested = BundleFormats.nested(bundle, work.resolve("b.tar" + compression.extension()), compression,
        Compression.NONE);
    BundleDamage.truncate(nested, Files.size(nested) * 3 / 4);
    RecordingListener listener = new RecordingListener();

    assertThatThrownBy(() -> BundleFormatsTest.stream(nested, staging, PlanOptions.defaults(), listener))
        .isInstanceOf(BundleException.class)
        .hasMessageStartingWith(nested.toString())
        .hasMessageContaining("entry 'images/")
        .hasMessageContaining("truncated or damaged");
    assertThat(listener.readyRefs()).contains(bundle.images().get(0).reference());
    assertThat(listener.broken).isEmpty();
    assertNoTempFiles();
  }

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"GZIP", "XZ", "ZSTD"})
  void aCorruptCompressedStreamEndsTheRead(Compression compression) throws IOException {
    Path archive = BundleFormats.archive(bundle.layout(), work.resolve("b.tar" + compression.extension()), compression);
    BundleDamage.flipByte(archive, Files.size(archive) / 2);

    assertThatThrownBy(() -> BundleFormatsTest.stream(archive, staging, PlanOptions.defaults(), new RecordingListener()))
        .isInstanceOf(BundleException.class)
        .hasMessageStartingWith(archive + " is not a readable " + compression.name().toLowerCase())
        .hasMessageContaining("truncated or damaged");
    assertNoTempFiles();
  }

  @ParameterizedTest
  @MethodSource("xzDamages")
  void aDamagedXzBundleEndsTheReadAfterTheImagesThatWereWhole(XzDamage damage, long blockBytes) throws IOException {
    // Random layers, which xz can only store: the Java decoder reads such a file even where XZ Utils'
    // xz is installed (XzDecoder); the test below damages one that xz decodes.
    Path tar = BundleFormats.nested(bundle, work.resolve("b.tar"), Compression.NONE, Compression.NONE);
    Path nested = BundleFormats.compressXz(tar, work.resolve("b.tar.xz"), blockBytes);
    damage.apply(nested);
    RecordingListener listener = new RecordingListener();

    assertThatThrownBy(() -> BundleFormatsTest.stream(nested, staging, PlanOptions.defaults(), listener))
        .isInstanceOf(BundleException.class)
        .hasMessageStartingWith(nested + " is not a readable xz stream ")
        .hasMessageContaining("entry 'images/")
        .hasMessageContaining("truncated or damaged");
    assertThat(listener.readyRefs()).contains(bundle.images().get(0).reference());
    assertThat(listener.broken).isEmpty();
    assertNoTempFiles();
  }

  /**
   * Each damage, to a file of small blocks as xz -T0 writes them (decoded a block per core) and to one
   * of a single block (decoded on one thread).
   */
  static Stream<Arguments> xzDamages() {
    return Stream.of(XzDamage.values())
        .flatMap(damage -> Stream.of(256L << 10, Long.MAX_VALUE).map(blockBytes -> Arguments.of(damage, blockBytes)));
  }

  /** A cut-short file has no index to find its blocks by; a flipped byte spoils one block's check. */
  enum XzDamage {
    TRUNCATED,
    BYTE_FLIPPED;

    void apply(Path xz) throws IOException {
      if (this == TRUNCATED) {
        BundleDamage.truncate(xz, Files.size(xz) * 3 / 4);
      } else {
        BundleDamage.flipByte(xz, Files.size(xz) * 3 / 4);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {256 << 10, Long.MAX_VALUE})
  void aCorruptXzBundleThatXzDecodesEndsTheReadAfterTheImagesThatWereWhole(long blockBytes) throws IOException {
    Path tar = BundleFormats.nested(bundle, work.resolve("b.tar"), Compression.NONE, Compression.NONE);
    // 16 MiB of zeros after the random layers make a file that compresses, which XzDecoder hands to
    // XZ Utils' xz (XzDecoderTest pins that choice); the damage at 3/4 of it lands among the images.
    // A truncated file has no index to tell how much it compresses: the Java decoder reads it.
    Path compresses = BundleFormats.compressXz(appended(tar, work.resolve("notes.tar"), "NOTES", new byte[16 << 20]),
        work.resolve("b.tar.xz"), blockBytes);
    XzDamage.BYTE_FLIPPED.apply(compresses);
    List<Long> xzRunningAtEachImage = new ArrayList<>();
    RecordingListener listener = new RecordingListener(event -> xzRunningAtEachImage.add(XzProcesses.running()));

    assertThatThrownBy(() -> BundleFormatsTest.stream(compresses, staging, PlanOptions.defaults(), listener))
        .isInstanceOf(BundleException.class)
        .hasMessageStartingWith(compresses + " is not a readable xz stream ")
        .hasMessageContaining("(Compressed data is corrupt)")
        .hasMessageContaining("entry 'images/")
        .hasMessageContaining("truncated or damaged");
    assertThat(listener.readyRefs()).contains(bundle.images().get(0).reference());
    assertThat(listener.broken).isEmpty();
    // xz may exit at the damage before the images it decoded ahead of it are read.
    assertThat(xzRunningAtEachImage).as("xz processes running as each image was read").contains(1L)
        .allMatch(running -> running <= 1);
    assertNoTempFiles();
  }

  @ParameterizedTest
  @EnumSource(XzDecoder.class)
  void aTruncatedBundleAroundNestedXzArchivesEndsTheReadInsteadOfBreakingTheArchiveItWasIn(XzDecoder decoder)
      throws IOException {
    Path nested = BundleFormats.nested(bundle, work.resolve("b.tar"), Compression.NONE, Compression.XZ);
    BundleDamage.truncate(nested, Files.size(nested) * 3 / 4);
    RecordingListener listener = new RecordingListener();

    assertThatThrownBy(() -> BundleFormatsTest.stream(nested, staging, PlanOptions.defaults().decodingXzWith(decoder),
        listener))
        .isInstanceOf(BundleException.class)
        .hasMessageStartingWith(nested + " is not a readable tar archive ")
        .hasMessageContaining("entry 'images/")
        .hasMessageContaining("truncated or damaged");
    assertThat(listener.readyRefs()).contains(bundle.images().get(0).reference());
    assertThat(listener.broken).isEmpty();
    assertNoTempFiles();
  }

  @ParameterizedTest
  @EnumSource(EvilEntry.class)
  void aHostileEntryInTheBundleIsRefusedAndNothingLandsOutsideTheStagingDirectory(EvilEntry kind) throws IOException {
    Path tar = BundleFormats.archive(bundle.layout(), work.resolve("in/b.tar"), Compression.NONE);
    Path evil = BundleDamage.withEvilEntry(tar, work.resolve("in/evil.tar"), kind);
    List<Path> before = filesOutsideStaging();

    assertThatThrownBy(() -> BundleFormatsTest.stream(evil, staging, PlanOptions.defaults(), new RecordingListener()))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("tar entry '" + kind.entryName() + "' in " + evil)
        .hasMessageContaining("refusing the bundle");
    assertThat(filesOutsideStaging()).isEqualTo(before);
  }

  @ParameterizedTest
  @EnumSource(EvilEntry.class)
  void aHostileEntryInANestedArchiveBreaksOnlyThatArchivesImages(EvilEntry kind) {
    Path victim = nestedBundleDirectory();
    Path evil = BundleDamage.withEvilEntry(victim, work.resolve("evil.tar"), kind);
    replace(victim, evil);
    RecordingListener listener = streamNestedBundle();

    assertOnlyBroken(listener, 1, "images/" + name(1) + ".tar", "tar entry '" + kind.entryName() + "'");
  }

  @Test
  void aCorruptNestedArchiveBreaksOnlyItsImages() throws IOException {
    Path victim = nestedBundleDirectory(Compression.GZIP);
    BundleDamage.flipByte(victim, Files.size(victim) / 2);
    RecordingListener listener = streamNestedBundle();

    assertOnlyBroken(listener, 1, "images/" + name(1) + ".tar.gz", "is not a readable gzip stream");
  }

  @Test
  void aTruncatedNestedArchiveBreaksOnlyItsImages() throws IOException {
    Path victim = nestedBundleDirectory(Compression.ZSTD);
    BundleDamage.truncate(victim, Files.size(victim) / 2);
    RecordingListener listener = streamNestedBundle();

    assertOnlyBroken(listener, 1, "images/" + name(1) + ".tar.zst", "truncated or damaged");
  }

  @Test
  void aBlobNotMatchingItsDigestBreaksTheImagesNeedingItNamingBlobAndEntry() throws IOException {
    String layer = topLayerOf(2);
    BundleDamage.corruptBlob(bundle.layout(), layer);
    Path archive = BundleFormats.archive(bundle.layout(), work.resolve("b.tar.gz"), Compression.GZIP);
    RecordingListener listener = new RecordingListener();

    BundleSummary summary = BundleFormatsTest.stream(archive, staging, PlanOptions.defaults(), listener);

    assertOnlyBroken(listener, 2, bundle.images().get(2).reference(),
        "tar entry 'blobs/sha256/" + layer.substring(7) + "' in " + archive);
    assertThat(listener.broken.get(0).reason()).contains("blob " + layer).contains("hashes to");
    assertThat(summary.broken()).isEqualTo(1);
    assertThat(summary.images()).isEqualTo(4);
    assertThat(LayoutEdits.staged(staging, layer)).isFalse();
  }

  @Test
  void aManifestReferencingABlobMissingFromTheBundleBreaksItsImageAtTheEnd() {
    String layer = topLayerOf(1);
    BundleDamage.removeBlob(bundle.layout(), layer);
    Path archive = BundleFormats.archive(bundle.layout(), work.resolve("b.tar.xz"), Compression.XZ);
    RecordingListener listener = new RecordingListener();

    BundleFormatsTest.stream(archive, staging, PlanOptions.defaults(), listener);

    assertOnlyBroken(listener, 1, bundle.images().get(1).reference(), "needs blob " + layer);
    assertThat(listener.broken.get(0).reason()).contains("which is not in the bundle");
    assertThat(listener.events.get(listener.events.size() - 1)).startsWith("broken ");
  }

  @Test
  void aBlobMissingFromANestedArchiveBreaksItsImageWhenThatArchiveEnds() {
    Path layout = BundleFormats.singleImageLayout(bundle, bundle.images().get(1), work.resolve("one"));
    BundleDamage.removeBlob(layout, topLayerOf(1));
    Path victim = nestedBundleDirectory();
    BundleFormats.archive(layout, victim, Compression.NONE);
    RecordingListener listener = streamNestedBundle();

    assertOnlyBroken(listener, 1, bundle.images().get(1).reference(),
        "needs blob " + topLayerOf(1) + ", which is not in archive 'images/" + name(1) + ".tar'");
    // Archives are read in name order; the broken image is told before the next archive is read.
    List<String> archiveOrder = IntStream.range(0, 4).mapToObj(this::name).sorted().toList();
    assertThat(listener.events.get(archiveOrder.indexOf(name(1)))).isEqualTo("broken " + bundle.images().get(1).reference());
  }

  @Test
  void aBlobOverTheSizeLimitIsNotStagedAndBreaksItsImagesAlone() {
    GeneratedBundle big = BundleGenerator.generate(BundleSpec.of(3, 600_000).withLargestLayer(2_000_000),
        work.resolve("big"));
    Path archive = BundleFormats.archive(big.layout(), work.resolve("big.tar.zst"), Compression.ZSTD);
    List<String> blobs = LayoutEdits.configAndLayers(big.layout(), big.images().get(0).manifestDigest());
    String largest = blobs.get(blobs.size() - 1);
    RecordingListener listener = new RecordingListener();

    BundleFormatsTest.stream(archive, staging, new PlanOptions(1_000_000, false), listener);

    assertThat(listener.readyRefs()).containsExactly(big.images().get(1).reference(), big.images().get(2).reference());
    assertThat(listener.broken).singleElement().satisfies(broken -> {
      assertThat(broken.sourceRef()).isEqualTo(big.images().get(0).reference());
      assertThat(broken.reason()).contains("blob " + largest, " bytes, over --max-blob-size 1000000");
    });
    assertThat(LayoutEdits.staged(staging, largest)).isFalse();
  }

  @Test
  void malformedManifestJsonBreaksItsImageAlone() {
    Descriptor garbage = LayoutEdits.addBlob(bundle.layout(), MediaTypes.OCI_MANIFEST, "{\"schemaVersion\": 2,".getBytes());
    LayoutEdits.rewriteIndex(bundle.layout(), entries -> entries.add(LayoutEdits.entry(garbage, "example.com/bad:1", null)));
    RecordingListener listener = streamAsTar();

    assertOnlyBroken(listener, -1, "example.com/bad:1", "manifest " + garbage.digest() + ": malformed manifest JSON");
  }

  @Test
  void aSchema1ManifestBreaksItsImageAskingForARepull() {
    ObjectNode schema1 = LayoutEdits.JSON.createObjectNode().put("schemaVersion", 1).put("name", "old/app").put("tag", "1");
    schema1.putArray("fsLayers");
    Descriptor manifest = LayoutEdits.addBlob(bundle.layout(), MediaTypes.DOCKER_SCHEMA1_SIGNED_MANIFEST, schema1);
    LayoutEdits.rewriteIndex(bundle.layout(), entries -> entries.add(LayoutEdits.entry(manifest, "example.com/old:1", null)));
    RecordingListener listener = streamAsTar();

    assertOnlyBroken(listener, -1, "example.com/old:1", "unsupported manifest schema 1");
    assertThat(listener.broken.get(0).reason()).contains("re-pull it with a current docker/skopeo");
  }

  @Test
  void aTargetTagListedTwiceWithDifferentDigestsBreaksTheLaterNamingBoth() {
    GeneratedImage first = bundle.images().get(0);
    GeneratedImage second = bundle.images().get(1);
    LayoutEdits.rewriteIndex(bundle.layout(), entries -> entries.add(LayoutEdits.entry(second, first.reference(), null)));
    RecordingListener listener = streamAsTar();

    assertThat(listener.readyRefs()).hasSize(4);
    assertThat(listener.ready(first.reference()).manifest().digest().toString()).isEqualTo(first.manifestDigest());
    assertThat(listener.broken).singleElement().satisfies(broken -> assertThat(broken.reason())
        .contains("duplicate tag " + first.reference())
        .contains("with different digests " + first.manifestDigest() + " and " + second.manifestDigest()));
  }

  @Test
  void aMalformedIndexJsonOfTheBundleEndsTheRead() throws IOException {
    Files.writeString(bundle.layout().resolve("index.json"), "{\"schemaVersion\": 2, \"manifests\": [");
    Path archive = BundleFormats.archive(bundle.layout(), work.resolve("b.tar"), Compression.NONE);

    assertThatThrownBy(() -> BundleFormatsTest.stream(archive, staging, PlanOptions.defaults(), new RecordingListener()))
        .isInstanceOf(BundleException.class)
        .hasMessageStartingWith("tar entry 'index.json' in " + archive + " is not valid JSON");
  }

  @Test
  void aMalformedIndexJsonInANestedArchiveBreaksOnlyItsImages() throws IOException {
    Path layout = BundleFormats.singleImageLayout(bundle, bundle.images().get(1), work.resolve("one"));
    Files.writeString(layout.resolve("index.json"), "[not an index");
    BundleFormats.archive(layout, nestedBundleDirectory(), Compression.NONE);
    RecordingListener listener = streamNestedBundle();

    assertOnlyBroken(listener, 1, "images/" + name(1) + ".tar", "tar entry 'index.json' in 'images/");
  }

  @Test
  void aBundleWithoutImagesIsRefused() throws IOException {
    Path empty = Files.createDirectories(work.resolve("empty"));
    Files.writeString(empty.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Files.writeString(empty.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[]}");
    Path emptyArchive = BundleFormats.archive(empty, work.resolve("empty.tar.gz"), Compression.GZIP);
    Files.writeString(Files.createDirectories(work.resolve("notes")).resolve("README.md"), "not an image");
    Path notes = BundleFormats.archive(work.resolve("notes"), work.resolve("notes.tar.zst"), Compression.ZSTD);

    for (Path source : List.of(empty, emptyArchive, notes)) {
      assertThatThrownBy(() -> BundleFormatsTest.stream(source, staging, PlanOptions.defaults(), new RecordingListener()))
          .isInstanceOf(BundleException.class)
          .hasMessageStartingWith("bundle " + source + " holds no images");
    }
  }

  @Test
  void aDockerSaveLayerMissingFromTheArchiveBreaksThatImageAlone() throws IOException {
    Path save = BundleFormats.dockerSave(bundle, work.resolve("save.tar"), Map.of());
    String victimLayer = topLayerOf(1);
    Path damaged = rewriteTar(save, work.resolve("damaged.tar"), (name, content) ->
        name.endsWith("/layer.tar") && Digest.of(content).toString().equals(victimLayer) ? null : content);
    RecordingListener listener = new RecordingListener();

    BundleFormatsTest.stream(damaged, staging, PlanOptions.defaults(), listener);

    assertThat(listener.readyRefs()).containsExactly(bundle.images().get(0).reference(),
        bundle.images().get(2).reference(), bundle.images().get(3).reference());
    assertThat(listener.broken).singleElement().satisfies(broken -> {
      assertThat(broken.sourceRef()).isEqualTo(bundle.images().get(1).reference());
      assertThat(broken.tags()).containsExactly("v0.7.0-gke.0");
      assertThat(broken.reason()).startsWith("docker-save manifest.json in " + damaged + ": layer '")
          .contains("/layer.tar' of " + bundle.images().get(1).reference() + " is not in the archive");
    });
  }

  @Test
  void aMalformedDockerSaveManifestBreaksItsImagesNamingTheEntry() throws IOException {
    Path save = BundleFormats.dockerSave(bundle, work.resolve("save.tar"), Map.of());
    Path damaged = rewriteTar(save, work.resolve("damaged.tar"),
        (name, content) -> name.equals("manifest.json") ? "[{\"Config\":".getBytes() : content);
    RecordingListener listener = new RecordingListener();

    BundleSummary summary = BundleFormatsTest.stream(damaged, staging, PlanOptions.defaults(), listener);

    assertThat(summary.images()).isEqualTo(1);
    assertThat(listener.broken).singleElement().satisfies(broken -> {
      assertThat(broken.sourceRef()).isEqualTo("manifest.json");
      assertThat(broken.reason()).startsWith("tar entry 'manifest.json' in " + damaged + " is not valid JSON");
    });
  }

  /** {@code tar} copied to {@code out} with each file's content edited; a null content drops the file. */
  private static Path rewriteTar(Path tar, Path out, BiFunction<String, byte[], byte[]> edit)
      throws IOException {
    try (var in = new TarArchiveInputStream(Files.newInputStream(tar));
        var builder = new TarBuilder(out)) {
      for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        byte[] content = entry.isDirectory() ? null : edit.apply(entry.getName(), in.readAllBytes());
        if (content != null) {
          builder.file(entry.getName(), content);
        }
      }
    }
    return out;
  }

  /** {@code tar} copied to {@code out} with one more file at its end. */
  private static Path appended(Path tar, Path out, String name, byte[] content) throws IOException {
    try (var in = new TarArchiveInputStream(Files.newInputStream(tar));
        var builder = new TarBuilder(out)) {
      for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        if (!entry.isDirectory()) {
          builder.file(entry.getName(), in.readAllBytes());
        }
      }
      builder.file(name, content);
    }
    return out;
  }

  private void assertOnlyBroken(RecordingListener listener, int brokenImage, String sourceRef, String reason) {
    List<String> others = bundle.images().stream().map(GeneratedImage::reference)
        .filter(reference -> brokenImage < 0 || !reference.equals(bundle.images().get(brokenImage).reference()))
        .toList();
    assertThat(listener.readyRefs()).containsExactlyInAnyOrderElementsOf(others);
    for (GeneratedImage image : bundle.images()) {
      if (others.contains(image.reference())) {
        assertThat(listener.ready(image.reference()).manifest().digest().toString()).isEqualTo(image.manifestDigest());
      }
    }
    assertThat(listener.broken).singleElement().satisfies(broken -> {
      assertThat(broken.sourceRef()).isEqualTo(sourceRef);
      assertThat(broken.reason()).contains(reason).doesNotContain("\n");
    });
  }

  /** The bundle as bmctl ships it, unpacked: {@code images/<name>.tar...} per image; returns image 1's file. */
  private Path nestedBundleDirectory() {
    return nestedBundleDirectory(Compression.NONE);
  }

  private Path nestedBundleDirectory(Compression victimCompression) {
    Path victim = null;
    for (int i = 0; i < bundle.images().size(); i++) {
      GeneratedImage image = bundle.images().get(i);
      Path layout = BundleFormats.singleImageLayout(bundle, image, work.resolve("single-" + i));
      Compression compression = i == 1 ? victimCompression : Compression.GZIP;
      Path archive = BundleFormats.archive(layout, work.resolve("nested/images/" + name(i) + ".tar"
          + compression.extension()), compression);
      if (i == 1) {
        victim = archive;
      }
    }
    return victim;
  }

  private RecordingListener streamNestedBundle() {
    Path outer = BundleFormats.archive(work.resolve("nested"), work.resolve("bundle.tar.xz"), Compression.XZ);
    RecordingListener listener = new RecordingListener();
    BundleFormatsTest.stream(outer, staging, PlanOptions.defaults(), listener);
    return listener;
  }

  private RecordingListener streamAsTar() {
    Path archive = BundleFormats.archive(bundle.layout(), work.resolve("b.tar"), Compression.NONE);
    RecordingListener listener = new RecordingListener();
    BundleFormatsTest.stream(archive, staging, PlanOptions.defaults(), listener);
    return listener;
  }

  private String name(int image) {
    String reference = bundle.images().get(image).reference();
    return reference.substring(reference.lastIndexOf('/') + 1).replace(':', '-');
  }

  private String topLayerOf(int image) {
    List<String> blobs = LayoutEdits.configAndLayers(bundle.layout(), bundle.images().get(image).manifestDigest());
    return blobs.get(blobs.size() - 1);
  }

  private static void replace(Path file, Path with) {
    try {
      Files.move(with, file, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void assertNoTempFiles() throws IOException {
    Path ingest = staging.resolve(".ingest");
    if (Files.exists(ingest)) {
      try (Stream<Path> files = Files.list(ingest)) {
        assertThat(files).isEmpty();
      }
    }
  }

  private List<Path> filesOutsideStaging() throws IOException {
    try (Stream<Path> files = Files.walk(work)) {
      return files.filter(path -> !path.startsWith(staging)).sorted().toList();
    }
  }
}
