package dev.mirrorseed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorseed.TestKafka;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.GeneratedBundle;
import dev.mirrorseed.fixtures.GeneratedImage;
import dev.mirrorseed.fixtures.RegistryServer;
import dev.mirrorseed.fixtures.RegistryTampering;
import dev.mirrorseed.fixtures.RegistryVariant;
import dev.mirrorseed.fixtures.Skopeo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify --source}: a mirror seeded by a real push (real Kafka, a registry of the test's own) is
 * checked against its bundle without Kafka, then tampered with behind the registry's back, and the
 * check names exactly what changed. Each test gets a fresh registry: on-disk tampering reaches every
 * repository that links a blob.
 */
class VerifySourceEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NAMESPACE = "mirror";

  @TempDir static Path shared;
  static GeneratedBundle bundle;

  @TempDir Path work;
  private RegistryServer registry;
  private RegistryTampering tampering;
  private String target;

  @BeforeAll
  static void generateBundle() {
    bundle = BundleGenerator.generate(BundleSpec.of(3, 6_000_000).withMultiArch(true), shared.resolve("bundle"));
  }

  @BeforeEach
  void seedAMirror() {
    registry = RegistryServer.start(RegistryVariant.plain());
    tampering = new RegistryTampering(registry);
    target = registry.hostPort() + "/" + NAMESPACE;
    // push --deep: its verifier downloads and hashes every blob it just pushed.
    CliRun push = CliRun.of("push", "--source", bundle.layout().toString(), "--private-registry", target, "--deep",
        "--bootstrap-servers", TestKafka.bootstrapServers(), "--workspace", work.resolve("push").toString());
    assertThat(push.exitCode()).as(push.toString()).isZero();
    assertThat(push.out()).contains("3 pushed, 3 verified, 0 failed");
  }

  @AfterEach
  void stopRegistry() {
    registry.stop();
  }

  @Test
  void aMirrorAsTheBundleHoldsItVerifiesToItsBytesWithoutKafka() throws IOException {
    Path tar = BundleGenerator.writeTar(bundle.layout(), work.resolve("bundle.tar"));

    CliRun verify = CliRun.of("verify", "--source", tar.toString(), "--private-registry", target, "--deep",
        "--workspace", work.resolve("verify").toString(), "--report", work.resolve("report.json").toString());

    assertThat(verify.exitCode()).as(verify.toString()).isZero();
    assertThat(verify.out()).contains("3 images, 3 verified, 0 failed");
    for (GeneratedImage image : bundle.images()) {
      assertThat(verify.out()).contains("verified " + image.reference() + " -> " + mirrored(image) + " "
          + image.manifestDigest());
    }
    assertThat(work.resolve("verify/staging/blobs/sha256")).isDirectory();
    JsonNode report = JSON.readTree(work.resolve("report.json").toFile());
    assertThat(report.get("verified").asInt()).isEqualTo(3);
    assertThat(report.get("pushed").asInt()).isZero();
  }

  @Test
  void bytesReplacedWithOthersOfTheSameSizeAreNamedByTheDeepCheck() throws IOException {
    GeneratedImage image = bundle.images().get(0);
    String layer = largestLayer(image);
    String served = tampering.replaceBytesKeepingSize(layer);

    CliRun shallow = verify();
    CliRun deep = verify("--deep", "--report", work.resolve("report.json").toString());

    // distribution answers HEAD from the stored file's size without reading it: only --deep sees this.
    assertThat(shallow.exitCode()).as(shallow.toString()).isZero();
    assertThat(deep.exitCode()).as(deep.toString()).isEqualTo(ExitCode.IMAGES_FAILED.code);
    assertThat(deep.out()).contains("FAILED   " + image.reference() + " -> " + mirrored(image) + ": blob " + layer
        + " in " + repository(image) + " is served as bytes that hash to " + served);
    JsonNode mismatch = failedImage(image).get("mismatches").get(0);
    assertThat(mismatch.get("kind").asText()).isEqualTo("BLOB_CONTENT_DIFFERS");
    assertThat(mismatch.get("reference").asText()).isEqualTo(repository(image) + "@" + layer);
    assertThat(mismatch.get("expected").asText()).isEqualTo(layer);
    assertThat(mismatch.get("observed").asText()).isEqualTo(served);
  }

  @Test
  void aTagMovedToAnotherImageIsNamedWithBothDigests() throws IOException {
    GeneratedImage image = bundle.images().get(0);
    GeneratedImage other = bundle.images().get(1);
    Skopeo.run("copy", "--preserve-digests", "--src-tls-verify=false", "--dest-tls-verify=false",
        "docker://" + mirrored(other), "docker://" + mirrored(image));

    CliRun verify = verify("--report", work.resolve("report.json").toString());

    assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(ExitCode.IMAGES_FAILED.code);
    assertThat(verify.out()).contains("FAILED   " + image.reference() + " -> " + mirrored(image) + ": "
        + repository(image) + ":" + tag(image) + " resolves to " + other.manifestDigest() + ", expected "
        + image.manifestDigest(), "3 images, 2 verified, 1 failed");
    JsonNode failed = failedImage(image);
    assertThat(failed.get("observedDigest").asText()).isEqualTo(other.manifestDigest());
    assertThat(failed.get("mismatches")).hasSize(1);
    JsonNode mismatch = failed.get("mismatches").get(0);
    assertThat(mismatch.get("kind").asText()).isEqualTo("TAG_POINTS_ELSEWHERE");
    assertThat(mismatch.get("reference").asText()).isEqualTo(repository(image) + ":" + tag(image));
    assertThat(mismatch.get("expected").asText()).isEqualTo(image.manifestDigest());
    assertThat(mismatch.get("observed").asText()).isEqualTo(other.manifestDigest());
  }

  @Test
  void aBlobDeletedFromTheMirrorIsNamedMissing() throws IOException {
    GeneratedImage image = bundle.images().get(0);
    String layer = largestLayer(image);
    tampering.deleteBlob(repository(image), layer);

    CliRun verify = verify("--report", work.resolve("report.json").toString());

    assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(ExitCode.IMAGES_FAILED.code);
    assertThat(verify.out()).contains("FAILED   " + image.reference() + " -> " + mirrored(image) + ": blob "
        + layer + " is missing from " + repository(image), "3 images, 2 verified, 1 failed");
    JsonNode mismatch = failedImage(image).get("mismatches").get(0);
    assertThat(mismatch.get("kind").asText()).isEqualTo("BLOB_MISSING");
    assertThat(mismatch.get("reference").asText()).isEqualTo(repository(image) + "@" + layer);
  }

  private CliRun verify(String... more) {
    List<String> args = new ArrayList<>(
        List.of("verify", "--source", bundle.layout().toString(), "--private-registry", target));
    args.addAll(List.of(more));
    return CliRun.of(args.toArray(String[]::new));
  }

  private JsonNode failedImage(GeneratedImage image) throws IOException {
    JsonNode report = JSON.readTree(work.resolve("report.json").toFile());
    for (JsonNode result : report.get("results")) {
      if (result.get("sourceRef").asText().equals(image.reference())) {
        assertThat(result.get("status").asText()).isEqualTo("FAILED");
        return result;
      }
    }
    throw new AssertionError(image.reference() + " is not in the report: " + report);
  }

  /** The largest layer of a single-platform image, from its manifest in the bundle. */
  private static String largestLayer(GeneratedImage image) throws IOException {
    JsonNode manifest = JSON.readTree(bundle.layout().resolve("blobs/sha256")
        .resolve(image.manifestDigest().substring("sha256:".length())).toFile());
    JsonNode largest = null;
    for (JsonNode layer : manifest.get("layers")) {
      largest = largest == null || layer.get("size").asLong() > largest.get("size").asLong() ? layer : largest;
    }
    return largest.get("digest").asText();
  }

  private String mirrored(GeneratedImage image) {
    return target + "/" + image.reference().substring("gcr.io/".length());
  }

  private static String repository(GeneratedImage image) {
    String path = image.reference().substring("gcr.io/".length());
    return NAMESPACE + "/" + path.substring(0, path.lastIndexOf(':'));
  }

  private static String tag(GeneratedImage image) {
    return image.reference().substring(image.reference().lastIndexOf(':') + 1);
  }
}
