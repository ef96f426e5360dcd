package dev.mirrorseed.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mirrorseed.bundle.XzDecoder;
import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.fixtures.Sha256;
import dev.mirrorseed.fixtures.BundleFormats;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.Compression;
import dev.mirrorseed.fixtures.GeneratedBundle;
import dev.mirrorseed.fixtures.GeneratedImage;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.MediaTypes;
import dev.mirrorseed.reference.MirrorTarget;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shape a bundle arrives in, in every compression: OCI layouts keep the bundle's digests; old
 * docker-save archives get a manifest over their layers as they are, the same on every run.
 */
class BundleFormatsTest {
  static final MirrorTarget TARGET = MirrorTarget.parse("mirror.local:5000/ns");

  @TempDir static Path shared;
  static GeneratedBundle bundle;

  @BeforeAll
  static void generate() {
    // Three images sharing layers, the last a multi-arch index.
    bundle = BundleGenerator.generate(BundleSpec.of(3, 384 << 10).withMultiArch(true), shared.resolve("layout"));
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void anOciLayoutArchiveYieldsEveryImageWithTheBundlesDigests(Compression compression, @TempDir Path work)
      throws IOException {
    Path archive = BundleFormats.archive(bundle.layout(), work.resolve("bundle.tar" + compression.extension()),
        compression);
    RecordingListener listener = new RecordingListener();

    BundleSummary summary = stream(archive, work.resolve("staging"), PlanOptions.defaults(), listener);

    assertEveryImageWithTheBundlesDigest(listener);
    assertThat(summary.bundleDigest()).isEqualTo(Sha256.of(archive));
    assertThat(summary.images()).isEqualTo(3);
    assertThat(summary.broken()).isZero();
    assertThat(summary.staging()).isEqualTo(work.resolve("staging"));
  }

  static Stream<Arguments> everyNesting() {
    return Arrays.stream(Compression.values())
        .flatMap(outer -> Arrays.stream(Compression.values()).map(inner -> Arguments.of(outer, inner)));
  }

  @ParameterizedTest
  @MethodSource("everyNesting")
  void perImageArchivesNestedInTheBundleAreReadStraightFromTheStream(Compression outer, Compression inner,
      @TempDir Path work) throws IOException {
    Path nested = BundleFormats.nested(bundle, work.resolve("bmpackages.tar" + outer.extension()), outer, inner);
    RecordingListener listener = new RecordingListener();

    stream(nested, work.resolve("staging"), PlanOptions.defaults(), listener);

    assertEveryImageWithTheBundlesDigest(listener);
    try (Stream<Path> staged = Files.list(work.resolve("staging/blobs/sha256"))) {
      assertThat(staged).hasSize(bundle.uniqueBlobs()); // layers the images share are stored once
    }
  }

  @ParameterizedTest
  @EnumSource(XzDecoder.class)
  void xzArchivesNestedInAnXzBundleReadTheSameWhicheverDecoderDecodesThem(XzDecoder decoder, @TempDir Path work)
      throws IOException {
    Path nested = BundleFormats.nested(bundle, work.resolve("bmpackages.tar.xz"), Compression.XZ, Compression.XZ);
    RecordingListener listener = new RecordingListener();

    BundleSummary summary = stream(nested, work.resolve("staging"), PlanOptions.defaults().decodingXzWith(decoder),
        listener);

    assertEveryImageWithTheBundlesDigest(listener);
    assertThat(summary.bundleDigest()).isEqualTo(Sha256.of(nested));
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void layoutDirectoriesInsideTheBundleAreEachALayout(Compression outer, @TempDir Path work) {
    Path nested = BundleFormats.nestedDirectories(bundle, work.resolve("dirs.tar" + outer.extension()), outer);
    RecordingListener listener = new RecordingListener();

    stream(nested, work.resolve("staging"), PlanOptions.defaults(), listener);

    assertEveryImageWithTheBundlesDigest(listener);
  }

  @Test
  void dockerSaveOfDocker25IsReadAsTheOciLayoutItHolds(@TempDir Path work) {
    Path archive = BundleFormats.dockerSave25(bundle, work.resolve("docker25.tar"));
    RecordingListener listener = new RecordingListener();

    stream(archive, work.resolve("staging"), PlanOptions.defaults(), listener);

    assertEveryImageWithTheBundlesDigest(listener);
  }

  @Test
  void oldDockerSaveGetsAManifestOverItsLayersAsTheyAreTheSameOnEveryRun(@TempDir Path work) throws IOException {
    GeneratedImage first = bundle.images().get(0);
    Path archive = BundleFormats.dockerSave(bundle, work.resolve("save.tar"),
        Map.of(first.reference(), List.of("latest", "registry.local/other/name:v9")));

    RecordingListener once = new RecordingListener();
    stream(archive, work.resolve("staging1"), PlanOptions.defaults(), once);
    RecordingListener again = new RecordingListener();
    stream(archive, work.resolve("staging2"), PlanOptions.defaults(), again);

    assertThat(once.broken).isEmpty();
    assertThat(again.ready).isEqualTo(once.ready);
    // docker save has no form for a multi-arch index: the two single-platform images, and the extra repository.
    assertThat(once.readyRefs()).containsExactly(
        first.reference(), "registry.local/other/name:v9", bundle.images().get(1).reference());
    assertThat(once.ready(first.reference()).tags()).containsExactly("v0.6.0-gke.0", "latest");
    assertThat(once.ready("registry.local/other/name:v9").targetRepository()).isEqualTo("ns/other/name");
    for (GeneratedImage image : bundle.images().subList(0, 2)) {
      ImageSpec pushed = once.ready(image.reference());
      JsonNode manifest = LayoutEdits.blobJson(work.resolve("staging1"), pushed.manifest().digest().toString());
      List<String> expected = LayoutEdits.configAndLayers(bundle.layout(), image.manifestDigest());
      assertThat(pushed.manifest().mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
      assertThat(manifest.get("config").get("mediaType").asText()).isEqualTo(MediaTypes.OCI_CONFIG);
      assertThat(manifest.get("config").get("digest").asText()).isEqualTo(expected.get(0));
      assertThat(manifest.get("layers").findValuesAsText("digest")).isEqualTo(expected.subList(1, expected.size()));
      assertThat(manifest.get("layers").findValuesAsText("mediaType")).containsOnly(MediaTypes.OCI_LAYER_TAR);
      assertThat(pushed.blobs().stream().map(blob -> blob.digest().toString())).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void oldDockerSaveLayersAreGzippedTheSameWayOnEveryRunWhenAsked(@TempDir Path work) throws IOException {
    Path archive = BundleFormats.dockerSave(bundle, work.resolve("save.tar"), Map.of());
    PlanOptions gzip = new PlanOptions(Long.MAX_VALUE, true);

    RecordingListener once = new RecordingListener();
    stream(archive, work.resolve("staging1"), gzip, once);
    RecordingListener again = new RecordingListener();
    stream(archive, work.resolve("staging2"), gzip, again);

    assertThat(again.ready).isEqualTo(once.ready).hasSize(2);
    GeneratedImage first = bundle.images().get(0);
    ImageSpec pushed = once.ready(first.reference());
    List<String> original = LayoutEdits.configAndLayers(bundle.layout(), first.manifestDigest());
    assertThat(pushed.blobs().get(0).digest().toString()).isEqualTo(original.get(0));
    List<Descriptor> layers = pushed.blobs().subList(1, pushed.blobs().size());
    assertThat(layers).extracting(Descriptor::mediaType).containsOnly(MediaTypes.OCI_LAYER_GZIP);
    for (int i = 0; i < layers.size(); i++) {
      Path gzipped = work.resolve("staging1/blobs/sha256").resolve(layers.get(i).digest().hex());
      try (InputStream in = new GZIPInputStream(Files.newInputStream(gzipped))) {
        assertThat(Digest.of(in.readAllBytes()).toString()).isEqualTo(original.get(i + 1));
      }
    }
  }

  @Test
  void dockerSaveArchivesNestedInACompressedBundleAreReadAsAtTheTop(@TempDir Path work) {
    GeneratedBundle other = BundleGenerator.generate(
        BundleSpec.of(2, 128 << 10).withSourcePrefix("registry.local/old"), work.resolve("other"));
    Path images = work.resolve("bundle/images");
    BundleFormats.dockerSave25(bundle, images.resolve("a-docker25.tar"));
    Path old = BundleFormats.dockerSave(other, images.resolve("b-docker24.tar"), Map.of());
    Path outer = BundleFormats.archive(work.resolve("bundle"), work.resolve("bundle.tar.xz"), Compression.XZ);

    RecordingListener nested = new RecordingListener();
    stream(outer, work.resolve("staging"), PlanOptions.defaults(), nested);
    RecordingListener alone = new RecordingListener();
    stream(old, work.resolve("staging-old"), PlanOptions.defaults(), alone);

    assertThat(nested.broken).isEmpty();
    assertThat(nested.ready).hasSize(5);
    assertThat(nested.ready.subList(3, 5)).isEqualTo(alone.ready);
    for (GeneratedImage image : bundle.images()) {
      assertThat(nested.ready(image.reference()).manifest().digest().toString()).isEqualTo(image.manifestDigest());
    }
  }

  private static void assertEveryImageWithTheBundlesDigest(RecordingListener listener) {
    assertThat(listener.broken).isEmpty();
    assertThat(listener.ready).hasSize(bundle.images().size());
    for (GeneratedImage image : bundle.images()) {
      ImageSpec pushed = listener.ready(image.reference());
      assertThat(pushed.manifest())
          .isEqualTo(new Descriptor(image.mediaType(), Digest.parse(image.manifestDigest()), image.size()));
      assertThat(pushed.targetRef()).isEqualTo("mirror.local:5000/ns/anthos-baremetal-release/"
          + image.reference().substring(image.reference().lastIndexOf('/') + 1));
    }
    ImageSpec multiArch = listener.ready(bundle.images().get(2).reference());
    assertThat(multiArch.childManifests()).hasSize(2);
    assertThat(multiArch.blobs()).hasSize(6);
  }

  static BundleSummary stream(Path source, Path staging, PlanOptions options, PlanListener listener) {
    return BundlePlanner.stream(source, staging, TARGET, options, listener);
  }

}
