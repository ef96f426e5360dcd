package dev.mirrorseed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorseed.TopicContents;
import dev.mirrorseed.events.MirrorEvent;
import dev.mirrorseed.events.Topics;
import dev.mirrorseed.events.Writer;
import dev.mirrorseed.fixtures.BundleDamage;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.GeneratedBundle;
import dev.mirrorseed.fixtures.GeneratedImage;
import dev.mirrorseed.kafka.KafkaSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code report} rebuilds a run from the topics alone: after the broker that carried the run has been
 * restarted (on the same directory and port, a broker of this test's own), the report of the run equals
 * what the live run reported: counts, each image's status, digests, bytes, and how it was pushed.
 */
class ReportEndToEndTest {
  private static final long MB = 1_000_000;
  private static final int IMAGES = 5;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aReportRebuiltFromTheTopicsAfterABrokerRestartEqualsTheLiveRun(@TempDir Path work) throws Exception {
    long started = System.nanoTime();
    GeneratedBundle bundle = BundleGenerator.generate(BundleSpec.of(IMAGES, 20 * MB), work.resolve("bundle"));
    // One image the bundle holds broken: the run has a failure to report, not only successes.
    GeneratedImage broken = bundle.images().get(IMAGES - 1);
    BundleDamage.corruptBlob(bundle.layout(), Layouts.lastLayerOf(bundle.layout(), broken.manifestDigest()));
    Path brokerDir = work.resolve("kafka");
    int port = StandaloneBroker.freePort();
    String kafka = "127.0.0.1:" + port;
    Mirror mirror = Mirror.fresh("report");

    CliProcess broker = StandaloneBroker.start(work, "broker-1", brokerDir, port);
    try {
      CliRun live = CliRun.of("push", "--source", bundle.layout().toString(), "--private-registry", mirror.target(),
          "--bootstrap-servers", kafka, "--workspace", work.resolve("ws").toString(), "--workers", "2",
          "--report", work.resolve("live.json").toString());
      assertThat(live.exitCode()).as(live.toString()).isEqualTo(1);
      assertThat(live.out()).contains((IMAGES - 1) + " pushed, " + (IMAGES - 1) + " verified, 1 failed");
      JsonNode liveReport = JSON.readTree(work.resolve("live.json").toFile());
      String runId = liveReport.get("runId").asText();
      assertThat(live.out()).contains("run " + runId + ": mirrorseed report --run " + runId
          + " --bootstrap-servers " + kafka + " shows it again");

      broker.terminate();
      assertThat(broker.exitCode(StandaloneBroker.STARTUP)).as("broker stopped by SIGTERM: " + broker).isEqualTo(143);
      broker = StandaloneBroker.start(work, "broker-2", brokerDir, port);
      CliRun report = CliRun.of("report", "--run", runId, "--bootstrap-servers", kafka,
          "--json", work.resolve("rebuilt.json").toString(), "--html", work.resolve("report.html").toString());

      assertThat(report.exitCode()).as(report.toString()).isEqualTo(1);
      JsonNode rebuilt = JSON.readTree(work.resolve("rebuilt.json").toFile());
      for (String total : List.of("runId", "images", "pushed", "verified", "failed", "bytesUploaded",
          "awaitingVerdict", "missing", "plan")) {
        assertThat(rebuilt.get(total)).as(total).isEqualTo(liveReport.get(total));
      }
      assertThat(rebuilt.get("images").asInt()).isEqualTo(IMAGES);
      assertThat(rebuilt.get("bytesUploaded").asLong()).isPositive();
      Map<String, JsonNode> liveImages = bySource(liveReport);
      assertThat(bySource(rebuilt)).as("each image: status, digests, bytes, problems, push").isEqualTo(liveImages);
      assertThat(liveImages.get(broken.reference()).get("status").asText()).isEqualTo("FAILED");
      assertThat(liveImages.values().stream().filter(image -> image.get("status").asText().equals("VERIFIED")))
          .hasSize(IMAGES - 1).allSatisfy(image -> {
            assertThat(image.get("observedDigest")).isEqualTo(image.get("expectedDigest"));
            assertThat(image.at("/push/attempts").asInt()).isEqualTo(1);
            assertThat(image.at("/push/writer/pid").asLong()).isEqualTo(ProcessHandle.current().pid());
          });

      // The terminal: a row per image and the same counts as the live run.
      assertThat(report.out()).contains((IMAGES - 1) + " pushed, " + (IMAGES - 1) + " verified, 1 failed");
      for (GeneratedImage image : bundle.images()) {
        // The producer could not read the broken image's manifest: no digest to show.
        String digestAndStatus = image.equals(broken) ? "- +FAILED" : "sha256:[0-9a-f]{12} +verified";
        assertThat(report.out()).containsPattern("(?m)^" + Pattern.quote(image.reference()) + " -> \\S+ +"
            + digestAndStatus + " ");
      }
      String html = Files.readString(work.resolve("report.html"));
      assertThat(html).contains("<code id=\"run-id\">" + runId + "</code>");
      assertThat(html.split("<tr class=\"image-row ", -1)).hasSize(IMAGES + 1);

      // The audit trail: every event of the run names the process that wrote it (all of push's roles here).
      KafkaSettings settings = new KafkaSettings(kafka, Topics.defaults());
      List<MirrorEvent> events = Stream.of(Topics.defaults().requests(), Topics.defaults().results(),
              Topics.defaults().audit())
          .flatMap(topic -> TopicContents.committed(settings, topic).stream())
          .filter(event -> event.runId().equals(runId))
          .toList();
      assertThat(events).extracting(event -> event.getClass().getSimpleName()).contains("PushRequest",
          "ImagePushed", "ImageFailed", "RunPlanned", "ImageVerified", "VerificationFailed", "RunCompleted");
      assertThat(events).allSatisfy(event -> assertThat(event.writer()).as(event.toString()).isEqualTo(Writer.current()));
      System.out.printf("%s: run %s (%d images, 1 broken) pushed live, broker restarted on port %d, report"
              + " rebuilt from %d events equal to the live report. Wall time %.1f s%n", getClass().getSimpleName(),
          runId, IMAGES, port, events.size(), (System.nanoTime() - started) / 1e9);
    } finally {
      broker.terminate();
      try {
        broker.exitCode(StandaloneBroker.STARTUP);
      } finally {
        broker.close();
      }
    }
  }

  private static Map<String, JsonNode> bySource(JsonNode report) {
    return StreamSupport.stream(report.get("results").spliterator(), false)
        .collect(Collectors.toMap(image -> image.get("sourceRef").asText(), image -> image));
  }
}
