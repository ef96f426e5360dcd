package dev.mirrorseed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.fixtures.BundleFormats;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.Compression;
import dev.mirrorseed.fixtures.GeneratedBundle;
import dev.mirrorseed.fixtures.GeneratedImage;
import dev.mirrorseed.fixtures.Skopeo;
import dev.mirrorseed.plan.BundlePlanner;
import dev.mirrorseed.reference.MirrorTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bundle shape operators have, pushed through the real broker into the real registry: OCI
 * layouts keep their digests exactly (skopeo checks), old docker-save archives get digests that are a
 * pure function of the bundle.
 */
class BundleFormatsEndToEndTest {
  @TempDir static Path shared;
  static GeneratedBundle bundle;

  /** What an old docker-save archive of the bundle is pushed as, by reference: its single-platform images. */
  static Map<String, String> dockerSave24Digests;

  @BeforeAll
  static void generate() {
    // Three images sharing layers, the last a multi-arch index.
    bundle = BundleGenerator.generate(BundleSpec.of(3, 6_000_000).withMultiArch(true), shared.resolve("layout"));
    // Planned once from the plain archive: every other shape of it must push the same digests.
    Path save = BundleFormats.dockerSave(bundle, shared.resolve("save.tar"), Map.of());
    dockerSave24Digests = new LinkedHashMap<>();
    BundlePlanner.stageAndPlan(save, shared.resolve("save-staging"), MirrorTarget.parse("127.0.0.1:1"))
        .images().forEach(image -> dockerSave24Digests.put(image.sourceRef(), image.manifest().digest().toString()));
  }

  /** What the bundle holds its images as. */
  enum Shape { OCI_LAYOUT, DOCKER_SAVE_25, DOCKER_SAVE_24 }

  static Stream<Arguments> everyShapeCompressionAndNesting() {
    return Stream.of(Shape.values()).flatMap(shape -> Stream.of(Compression.values())
        .flatMap(compression -> Stream.of(false, true).map(nested -> Arguments.of(shape, compression, nested))));
  }

  @ParameterizedTest(name = "{0} {1} nested={2}")
  @MethodSource("everyShapeCompressionAndNesting")
  void everyShapePushesWithTheBundlesDigests(Shape shape, Compression compression, boolean nested, @TempDir Path work) {
    Path bundleFile = write(shape, compression, nested, work);
    Mirror mirror = Mirror.fresh(shape.name().toLowerCase().replace("_", ""));

    CliRun run = mirror.push(bundleFile, work.resolve("ws"));

    assertThat(run.exitCode()).as(run.toString()).isZero();
    Map<String, String> expected = shape == Shape.DOCKER_SAVE_24 ? dockerSave24Digests : bundleDigests();
    assertThat(run.out()).contains(expected.size() + " pushed, " + expected.size() + " verified, 0 failed");
    expected.forEach((reference, digest) ->
        assertThat(mirror.digestOf(reference)).as(reference).isEqualTo(digest));
  }

  /** The bundle as the shape, compressed; nested means inside an outer tar as bmctl ships per-image archives. */
  private static Path write(Shape shape, Compression compression, boolean nested, Path work) {
    String ext = ".tar" + compression.extension();
    if (nested) {
      Path images = work.resolve("outer/images");
      switch (shape) {
        case OCI_LAYOUT -> {
          return BundleFormats.nested(bundle, work.resolve("nested" + ext), compression, Compression.NONE);
        }
        case DOCKER_SAVE_25 -> BundleFormats.dockerSave25(bundle, images.resolve("docker25.tar"));
        case DOCKER_SAVE_24 -> BundleFormats.dockerSave(bundle, images.resolve("docker24.tar"), Map.of());
      }
      return BundleFormats.archive(work.resolve("outer"), work.resolve("nested" + ext), compression);
    }
    Path tar = switch (shape) {
      case OCI_LAYOUT -> BundleFormats.archive(bundle.layout(), work.resolve("bundle.tar"), Compression.NONE);
      case DOCKER_SAVE_25 -> BundleFormats.dockerSave25(bundle, work.resolve("bundle.tar"));
      case DOCKER_SAVE_24 -> BundleFormats.dockerSave(bundle, work.resolve("bundle.tar"), Map.of());
    };
    return compression == Compression.NONE ? tar : BundleFormats.compress(tar, work.resolve("bundle" + ext), compression);
  }

  private static Map<String, String> bundleDigests() {
    Map<String, String> digests = new LinkedHashMap<>();
    bundle.images().forEach(image -> digests.put(image.reference(), image.manifestDigest()));
    return digests;
  }

  static Stream<Arguments> nestings() {
    return Stream.of(
        Arguments.of(Compression.XZ, Compression.NONE),
        Arguments.of(Compression.XZ, Compression.GZIP),
        Arguments.of(Compression.XZ, Compression.ZSTD),
        Arguments.of(Compression.NONE, Compression.XZ));
  }

  @ParameterizedTest
  @MethodSource("nestings")
  void nestedPerImageArchivesAsBmctlShipsThem(Compression outer, Compression inner, @TempDir Path work) {
    Path nested = BundleFormats.nested(bundle, work.resolve("bmpackages.tar" + outer.extension()), outer, inner);

    assertPushedWithBundleDigests(nested, work, "nested");
  }

  @Test
  void theJavaXzDecoderPushesWhatXzUtilsPushes(@TempDir Path work) {
    Path nested = BundleFormats.nested(bundle, work.resolve("bmpackages.tar.xz"), Compression.XZ, Compression.XZ);

    assertPushedWithBundleDigests(nested, work, "javaxz", "--xz-decoder", "java");
  }

  @Test
  void nestedLayoutDirectories(@TempDir Path work) {
    Path nested = BundleFormats.nestedDirectories(bundle, work.resolve("dirs.tar.zst"), Compression.ZSTD);

    assertPushedWithBundleDigests(nested, work, "dirs");
  }

  @Test
  void oldDockerSaveGetsTheSameDigestsOnEveryRunAndEveryTag(@TempDir Path work) {
    GeneratedImage first = bundle.images().get(0);
    String extraTag = first.reference().replaceFirst(":[^:/]+$", ":extra-tag");
    Map<String, List<String>> extraTags = new HashMap<>(Map.of(first.reference(), List.of(extraTag)));
    Path archive = BundleFormats.dockerSave(bundle, work.resolve("docker24.tar"), extraTags);
    Mirror one = Mirror.fresh("dsave");
    Mirror two = Mirror.fresh("dsave");

    CliRun run = one.push(archive, work.resolve("ws1"));
    CliRun again = two.push(archive, work.resolve("ws2"));

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(again.exitCode()).as(again.toString()).isZero();
    List<GeneratedImage> singlePlatform = bundle.images().stream()
        .filter(image -> !image.mediaType().contains("index")).toList();
    for (GeneratedImage image : singlePlatform) {
      assertThat(one.digestOf(image.reference())).isEqualTo(two.digestOf(image.reference()));
    }
    assertThat(one.digestOf(extraTag)).isEqualTo(one.digestOf(first.reference()));
    assertThat(run.out()).contains(singlePlatform.size() + " pushed, " + singlePlatform.size() + " verified, 0 failed");
  }

  @Test
  void multiArchIndexComesBackWholeWithSkopeoCopyAll(@TempDir Path work) throws Exception {
    GeneratedImage index = bundle.images().stream()
        .filter(image -> image.mediaType().contains("index")).findFirst().orElseThrow();
    Mirror mirror = Mirror.fresh("multi");
    assertThat(mirror.push(bundle.layout(), work.resolve("ws")).exitCode()).isZero();

    Skopeo.run("copy", "--all", "--preserve-digests", "--src-tls-verify=false",
        "docker://" + mirror.refOf(index.reference()), "oci:" + work.resolve("back") + ":x");

    assertThat(mirror.digestOf(index.reference())).isEqualTo(index.manifestDigest());
    // skopeo compresses uncompressed layers into an OCI layout unless told to keep digests.
    assertThat(Files.readString(work.resolve("back/index.json"))).contains(index.manifestDigest());
    List<String> platforms = Layouts.childrenOf(bundle.layout(), index.manifestDigest());
    assertThat(platforms).hasSizeGreaterThanOrEqualTo(2);
    for (String child : platforms) {
      assertThat(work.resolve("back/blobs/sha256").resolve(child.substring("sha256:".length()))).isRegularFile();
    }
  }

  private static void assertPushedWithBundleDigests(Path bundleFile, Path work, String label, String... flags) {
    Mirror mirror = Mirror.fresh(label);

    CliRun run = mirror.push(bundleFile, work.resolve("ws"), flags);

    assertThat(run.exitCode()).as(run.toString()).isZero();
    int n = bundle.images().size();
    assertThat(run.out()).contains(n + " pushed, " + n + " verified, 0 failed");
    for (GeneratedImage image : bundle.images()) {
      assertThat(mirror.digestOf(image.reference())).as(image.reference()).isEqualTo(image.manifestDigest());
    }
  }
}
