package dev.mirrorseed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.fixtures.BundleDamage;
import dev.mirrorseed.fixtures.BundleFormats;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.Compression;
import dev.mirrorseed.fixtures.EvilEntry;
import dev.mirrorseed.fixtures.GeneratedBundle;
import dev.mirrorseed.fixtures.GeneratedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Broken bundles through the whole pipeline: each gets a one-line error naming what is wrong and a
 * non-zero exit, one broken image fails alone while the others land, and nothing is written outside
 * the workspace.
 */
class BadBundlesEndToEndTest {
  @TempDir Path work;
  GeneratedBundle bundle;
  Mirror mirror;

  @BeforeEach
  void generate() {
    bundle = BundleGenerator.generate(BundleSpec.of(4, 8_000_000), work.resolve("layout"));
    mirror = Mirror.fresh("bad");
  }

  @Test
  void blobNotMatchingItsDigestFailsItsImageAlone() {
    GeneratedImage victim = bundle.images().get(bundle.images().size() - 1);
    String layer = onlyLayerOf(victim);
    BundleDamage.corruptBlob(bundle.layout(), layer);

    CliRun run = mirror.push(bundle.layout(), work.resolve("ws"));

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.out()).contains("FAILED   " + victim.reference()).contains(layer);
    assertOthersLanded(victim);
  }

  @Test
  void manifestReferencingAMissingBlobFailsItsImageAlone() {
    GeneratedImage victim = bundle.images().get(bundle.images().size() - 1);
    String layer = onlyLayerOf(victim);
    BundleDamage.removeBlob(bundle.layout(), layer);

    CliRun run = mirror.push(BundleFormats.archive(bundle.layout(), work.resolve("b.tar.gz"), Compression.GZIP),
        work.resolve("ws"));

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.out()).contains("FAILED   " + victim.reference()).contains(layer);
    assertOthersLanded(victim);
  }

  @Test
  void blobOverMaxBlobSizeFailsItsImageAlone() {
    GeneratedBundle withBigLayer = BundleGenerator.generate(
        BundleSpec.of(3, 3_000_000).withLargestLayer(5_000_000), work.resolve("big"));
    GeneratedImage victim = withBigLayer.images().get(0);

    CliRun run = mirror.push(withBigLayer.layout(), work.resolve("ws"), "--max-blob-size", "4M");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.out()).contains("FAILED   " + victim.reference()).contains("--max-blob-size");
    for (GeneratedImage image : withBigLayer.images().subList(1, withBigLayer.images().size())) {
      assertThat(mirror.digestOf(image.reference())).isEqualTo(image.manifestDigest());
    }
  }

  @Test
  void schema1ManifestFailsItsImageAloneAskingForARepull() {
    byte[] schema1 = "{\"schemaVersion\":1,\"name\":\"old/app\",\"tag\":\"1\",\"fsLayers\":[]}".getBytes();
    String digest = Layouts.addBlob(bundle.layout(), schema1);
    Layouts.addIndexEntry(bundle.layout(), "application/vnd.docker.distribution.manifest.v1+prettyjws", digest,
        schema1.length, "gcr.io/legacy/app:1");

    CliRun run = mirror.push(bundle.layout(), work.resolve("ws"));

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.out()).contains("FAILED   gcr.io/legacy/app:1").contains("schema 1");
    assertOthersLanded(null);
  }

  @Test
  void secondImageClaimingATargetTagWithAnotherDigestFailsAlone() {
    GeneratedImage first = bundle.images().get(0);
    GeneratedImage second = bundle.images().get(1);
    Layouts.addIndexEntry(bundle.layout(), second.mediaType(), second.manifestDigest(), second.size(),
        first.reference());

    CliRun run = mirror.push(bundle.layout(), work.resolve("ws"));

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.out()).contains("FAILED   " + first.reference()).contains("duplicate tag");
    assertOthersLanded(null);
  }

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"GZIP", "XZ", "ZSTD"})
  void truncatedCompressedBundleStopsWithOneLineAfterPushingWhatWasWhole(Compression compression) throws IOException {
    Path nested = BundleFormats.nested(bundle, work.resolve("b.tar" + compression.extension()), compression,
        Compression.NONE);
    BundleDamage.truncate(nested, Files.size(nested) * 3 / 4);

    CliRun run = mirror.push(nested, work.resolve("ws"));

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.err()).contains(nested.getFileName().toString());
    assertThat(mirror.digestOf(bundle.images().get(0).reference()))
        .isEqualTo(bundle.images().get(0).manifestDigest());
  }

  @Test
  void corruptGzipStreamStopsWithOneLine() throws IOException {
    Path archive = BundleFormats.archive(bundle.layout(), work.resolve("b.tar.gz"), Compression.GZIP);
    BundleDamage.flipByte(archive, Files.size(archive) / 2);

    CliRun run = mirror.push(archive, work.resolve("ws"));

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.err()).contains("b.tar.gz");
  }

  @ParameterizedTest
  @EnumSource(EvilEntry.class)
  void hostileTarEntryIsRefusedAndNothingLandsOutsideTheWorkspace(EvilEntry kind) throws IOException {
    Path tar = BundleFormats.archive(bundle.layout(), work.resolve("b.tar"), Compression.NONE);
    Path evil = BundleDamage.withEvilEntry(tar, work.resolve("outside/inside/evil.tar"), kind);
    List<Path> before = listTree(work.resolve("outside"));

    CliRun run = mirror.push(evil, work.resolve("outside/inside/ws"));

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.err()).contains("evil.tar");
    assertThat(listTree(work.resolve("outside")).stream()
        .filter(p -> !p.startsWith(work.resolve("outside/inside/ws")))).containsExactlyElementsOf(before);
  }

  @Test
  void malformedIndexJsonStopsWithOneLine() throws IOException {
    Files.writeString(bundle.layout().resolve("index.json"), "{\"schemaVersion\": 2, \"manifests\": [");

    CliRun run = mirror.push(bundle.layout(), work.resolve("ws"));

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.err()).contains("index.json");
  }

  @Test
  void emptyBundleStopsWithOneLine() throws IOException {
    Path empty = Files.createDirectories(work.resolve("empty"));
    Files.writeString(empty.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Files.writeString(empty.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[]}");

    CliRun run = mirror.push(empty, work.resolve("ws"));

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.err()).contains("no images");
  }

  @Test
  void dryRunPrintsThePlanAndPushesNothing() {
    CliRun run = CliRun.of("push", "--source", bundle.layout().toString(), "--private-registry", mirror.target(),
        "--workspace", work.resolve("ws").toString(), "--dry-run");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    for (GeneratedImage image : bundle.images()) {
      assertThat(run.out()).contains("would push " + image.reference() + " -> " + mirror.refOf(image.reference()));
    }
    assertThat(run.out()).contains("dry run: " + bundle.images().size() + " images (0 broken)");
    assertThat(work.resolve("ws/kafka")).doesNotExist();
  }

  private void assertOthersLanded(GeneratedImage victim) {
    for (GeneratedImage image : bundle.images()) {
      if (!image.equals(victim)) {
        assertThat(mirror.digestOf(image.reference())).as(image.reference()).isEqualTo(image.manifestDigest());
      }
    }
  }

  /** The one layer only this image has: every generated image has a layer of its own, listed last. */
  private String onlyLayerOf(GeneratedImage image) {
    return Layouts.lastLayerOf(bundle.layout(), image.manifestDigest());
  }

  private static List<Path> listTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.sorted().toList();
    }
  }
}
