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
import dev.mirrorseed.fixtures.Sha256;
import dev.mirrorseed.fixtures.Skopeo;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on real components: a generated bundle goes through a real Kafka broker into a
 * real distribution registry, and skopeo, an independent client, checks every tag's digest.
 */
class PushEndToEndTest {
  private static final long MB = 1_000_000;
  @TempDir static Path shared;
  static GeneratedBundle bundle;
  static String registry;

  @BeforeAll
  static void generateBundle() {
    // Six images sharing layers, one of them over 100 MB, as the acceptance asks.
    bundle = BundleGenerator.generate(
        BundleSpec.of(6, 150 * MB).withLargestLayer(110 * MB), shared.resolve("bundle"));
    registry = RegistryServer.shared().hostPort();
  }

  @Test
  void pushesEveryImageWithTheBundlesDigestAsSkopeoSeesIt(@TempDir Path work) throws IOException {
    String target = registry + "/" + uniqueNamespace();
    CliRun run = CliRun.of("push", "--source", bundle.layout().toString(), "--private-registry", target,
        "--bootstrap-servers", TestKafka.bootstrapServers(), "--workspace", work.toString(),
        "--report", work.resolve("report.json").toString());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("6 pushed, 6 verified, 0 failed");
    for (GeneratedImage image : bundle.images()) {
      String mirrored = target + "/" + image.reference().substring("gcr.io/".length());
      assertThat(run.out()).contains("verified " + image.reference() + " -> " + mirrored);
      assertThat(Sha256.of(Skopeo.inspectRaw(mirrored))).as(mirrored).isEqualTo(image.manifestDigest());
    }
    JsonNode report = new ObjectMapper().readTree(work.resolve("report.json").toFile());
    assertThat(report.get("verified").asInt()).isEqualTo(6);
    for (JsonNode image : report.get("results")) {
      assertThat(image.get("status").asText()).isEqualTo("VERIFIED");
      assertThat(image.get("observedDigest")).isEqualTo(image.get("expectedDigest"));
    }
    // Every unique blob crosses once: layers the images share are mounted into the other repositories.
    // uniqueBlobBytes also counts the manifests, which are not blob uploads: a few kB.
    assertThat(report.get("bytesUploaded").asLong()).isBetween(bundle.uniqueBlobBytes() - MB, bundle.uniqueBlobBytes());
  }

  @Test
  void secondRunUploadsNothingAndVerifiesEverythingAgain(@TempDir Path work) throws IOException {
    String target = registry + "/" + uniqueNamespace();
    String[] push = {"push", "--source", bundle.layout().toString(), "--private-registry", target,
        "--bootstrap-servers", TestKafka.bootstrapServers(), "--workspace", work.toString(),
        "--report", work.resolve("report.json").toString()};
    assertThat(CliRun.of(push).exitCode()).isZero();

    CliRun again = CliRun.of(push);

    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.out()).contains("6 pushed, 6 verified, 0 failed");
    JsonNode report = new ObjectMapper().readTree(work.resolve("report.json").toFile());
    assertThat(report.get("bytesUploaded").asLong()).isZero();
    assertThat(report.get("verified").asInt()).isEqualTo(6);
  }

  @Test
  void pushesATarBundleThroughTheEmbeddedBroker(@TempDir Path work) {
    Path tar = BundleGenerator.writeTar(bundle.layout(), work.resolve("bundle.tar"));
    String target = registry + "/" + uniqueNamespace();

    CliRun run = CliRun.of("push", "--source", tar.toString(), "--private-registry", target,
        "--workspace", work.resolve("workspace").toString(), "--workers", "2");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("6 pushed, 6 verified, 0 failed");
    GeneratedImage first = bundle.images().get(0);
    String mirrored = target + "/" + first.reference().substring("gcr.io/".length());
    assertThat(Sha256.of(Skopeo.inspectRaw(mirrored))).isEqualTo(first.manifestDigest());
    assertThat(work.resolve("workspace/kafka")).isDirectory();
  }

  @Test
  void aRerunOnTheEmbeddedBrokersWorkspacePrintsNoErrors(@TempDir Path work) {
    // A child JVM, so the broker logs through the log configuration that ships. Resuming a workspace
    // restarts its broker on the metadata it kept: Kafka's restart chatter (it logged an ERROR with a
    // stack trace on long-used workspaces) must not reach a user whose run went well.
    String[] push = {"push", "--source", bundle.layout().toString(),
        "--private-registry", registry + "/" + uniqueNamespace(), "--workspace", work.resolve("workspace").toString()};
    CliRun first = CliProcess.run(work.resolve("first"), Map.of(), push);
    assertThat(first.exitCode()).as(first.toString()).isZero();

    CliRun again = CliProcess.run(work.resolve("again"), Map.of(), push);

    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.out()).contains("6 pushed, 6 verified, 0 failed");
    assertThat(again.err()).as("stderr of a successful rerun").isEmpty();
  }

  @Test
  void aRerunAfterAPushWasKilledMidRunClearsItsDeadWorkersAndFinishes(@TempDir Path work) throws Exception {
    // SIGKILL once the workers have joined their group and are pushing (uploads capped so they still
    // are): no stop of any kind, so the workspace's broker log keeps their members and any transaction
    // they had open. The rerun must clear those instead of waiting out their sessions, then finish.
    Map<String, String> phaseLog = Map.of(
        "JAVA_TOOL_OPTIONS", "-Dorg.slf4j.simpleLogger.log.dev.mirrorseed.cli.PushCommand=debug");
    String[] push = {"push", "--source", bundle.layout().toString(), "--private-registry",
        registry + "/" + uniqueNamespace(), "--workspace", work.resolve("workspace").toString(), "--workers", "2"};
    String[] slowly = {"--max-bandwidth", "20MB"};
    try (CliProcess killed = CliProcess.start(work, "killed", phaseLog, CliProcess.with(slowly, push))) {
      killed.awaitErr("publishing at", Duration.ofMinutes(2));
      killed.kill();
      assertThat(killed.exitCode(Duration.ofSeconds(30))).isEqualTo(137);
    }

    CliRun again = CliProcess.run(work.resolve("again"), phaseLog, push);

    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.out()).contains("6 pushed, 6 verified, 0 failed");
    assertThat(again.err()).contains("after a crash: 2 dead workers left the group");
  }

  @Test
  void pushesAndReportsUseTheBrokerKeptRunningOnTheirWorkspace(@TempDir Path work) throws Exception {
    Path workspace = work.resolve("workspace");
    String[] push = {"push", "--source", bundle.layout().toString(), "--private-registry",
        registry + "/" + uniqueNamespace(), "--workspace", workspace.toString(), "--workers", "2"};
    try (CliProcess broker = CliProcess.start(work, "broker", "broker", "--workspace", workspace.toString())) {
      broker.awaitErr("kafka ready at ", Duration.ofMinutes(1));
      String address = broker.err().replaceAll("(?s).*kafka ready at (\\S+):.*", "$1");

      // The broker holds the workspace's lock: a push starting a broker of its own there would be refused.
      CliRun run = CliRun.of(push);

      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(run.out()).contains("using the broker running on " + workspace + " at " + address)
          .contains("6 pushed, 6 verified, 0 failed");
      String runId = run.out().replaceAll("(?s).*\\nrun (\\S+): .*", "$1");
      CliRun report = CliRun.of("report", "--run", runId, "--workspace", workspace.toString());
      assertThat(report.exitCode()).as(report.toString()).isZero();
      assertThat(report.out()).contains("6 pushed, 6 verified, 0 failed");

      broker.terminate();
      assertThat(broker.exitCode(Duration.ofSeconds(30))).as(broker.toString()).isZero();
    }
    assertThat(workspace.resolve("broker.stopped")).exists();
    assertThat(workspace.resolve("broker.address")).doesNotExist();

    // A broker killed outright leaves its address behind, which the next push must not believe.
    try (CliProcess broker = CliProcess.start(work, "killed-broker", "broker", "--workspace", workspace.toString())) {
      broker.awaitErr("kafka ready at ", Duration.ofMinutes(1));
      broker.kill();
      assertThat(broker.exitCode(Duration.ofSeconds(30))).isEqualTo(137);
    }
    assertThat(workspace.resolve("broker.address")).exists();

    CliRun own = CliRun.of(push);

    assertThat(own.exitCode()).as(own.toString()).isZero();
    assertThat(own.out()).doesNotContain("using the broker running").contains("6 pushed, 6 verified, 0 failed");
    assertThat(workspace.resolve("broker.address")).doesNotExist();
  }

  private static String uniqueNamespace() {
    return "e2e" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
  }
}
