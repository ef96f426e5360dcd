package dev.mirrorseed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.TestKafka;
import dev.mirrorseed.TopicContents;
import dev.mirrorseed.events.ImagePushed;
import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.events.MirrorEvent;
import dev.mirrorseed.events.RunCompleted;
import dev.mirrorseed.events.RunPlanned;
import dev.mirrorseed.events.Topics;
import dev.mirrorseed.events.VerificationFailed;
import dev.mirrorseed.events.Writer;
import dev.mirrorseed.fixtures.RegistryServer;
import dev.mirrorseed.fixtures.SlowLink;
import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.kafka.TopicSetup;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Results that arrive together are checked on the registry side by side, and each verdict is on the
 * audit topic before the run completes: behind a registry 100 ms away, one check after another made
 * the verifier trail the last push by a round trip per image.
 */
class VerifierConcurrencyEndToEndTest {
  private static final int IMAGES = 8;

  @Test
  void resultsThatArriveTogetherAreCheckedSideBySideAndEachVerdictIsWrittenBeforeTheRunCompletes() throws Exception {
    String prefix = "checks" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    KafkaSettings settings = new KafkaSettings(TestKafka.bootstrapServers(), new Topics(prefix));
    TopicSetup.ensureTopics(settings);
    String runId = "run-" + prefix;
    try (SlowLink far = SlowLink.start(RegistryServer.shared().hostPort(), Duration.ofMillis(100), 50_000_000)) {
      // None of these images is on the registry: each check is a manifest GET and two blob HEADs.
      List<ImageSpec> images = IntStream.range(0, IMAGES).mapToObj(i -> image(far.hostPort(), prefix, i)).toList();
      try (Producer<String, MirrorEvent> producer = new KafkaProducer<>(settings.producer("test-run"))) {
        for (ImageSpec image : images) {
          producer.send(new ProducerRecord<>(settings.topics().results(), image.targetKey(),
              new ImagePushed(runId, Instant.now(), image, image.expectedDigest(), 2, 0, 0, 2, 1, 1, "w",
                  Writer.current())));
        }
        producer.send(new ProducerRecord<>(settings.topics().audit(), runId,
            new RunPlanned(runId, Instant.now(), "/bundle", "sha256:00", far.hostPort(), IMAGES, 2 * IMAGES,
                2 * IMAGES, Writer.current()))).get();
      }

      CliRun run = CliRun.of("verify", "--run", runId, "--bootstrap-servers", TestKafka.bootstrapServers(),
          "--topic-prefix", prefix);

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.IMAGES_FAILED.code);
      assertThat(far.stats().maxExchangesInFlight()).as("registry requests in flight at once").isGreaterThan(1);
    }
    List<MirrorEvent> audit = TopicContents.committed(settings, settings.topics().audit()).stream()
        .filter(event -> !(event instanceof RunPlanned))
        .toList();
    assertThat(audit).hasSize(IMAGES + 1);
    assertThat(audit.subList(0, IMAGES)).allMatch(event -> event instanceof VerificationFailed);
    assertThat(audit.get(IMAGES)).isInstanceOfSatisfying(RunCompleted.class,
        completed -> assertThat(completed.failed()).isEqualTo(IMAGES));
  }

  private static ImageSpec image(String registry, String prefix, int index) {
    List<Descriptor> blobs = IntStream.range(0, 2)
        .mapToObj(blob -> new Descriptor(MediaTypes.OCI_LAYER_TAR,
            Digest.of((prefix + index + "/" + blob).getBytes(StandardCharsets.UTF_8)), 1))
        .toList();
    Descriptor manifest = new Descriptor(MediaTypes.OCI_MANIFEST,
        Digest.of((prefix + index).getBytes(StandardCharsets.UTF_8)), 2);
    return new ImageSpec("gcr.io/far/image-" + index + ":1", registry, prefix + "/far/image-" + index,
        List.of("1"), manifest, List.of(), blobs);
  }
}
