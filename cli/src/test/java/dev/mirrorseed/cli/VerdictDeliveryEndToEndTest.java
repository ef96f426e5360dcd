package dev.mirrorseed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.TestKafka;
import dev.mirrorseed.TopicContents;
import dev.mirrorseed.events.ImagePushed;
import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.events.MirrorEvent;
import dev.mirrorseed.events.RunCompleted;
import dev.mirrorseed.events.RunPlanned;
import dev.mirrorseed.events.Writer;
import dev.mirrorseed.events.Topics;
import dev.mirrorseed.fixtures.RegistryServer;
import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.kafka.TopicSetup;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** A verdict the audit topic does not take stops the verifier: it is never counted as if written. */
class VerdictDeliveryEndToEndTest {
  /** Enough missing blobs that the verdict naming each outgrows Kafka's 1 MiB record limit. */
  private static final int BLOBS = 2500;

  @Test
  void aVerdictKafkaRefusesStopsVerifyInsteadOfVanishing() throws Exception {
    String prefix = "delivery" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    KafkaSettings settings = new KafkaSettings(TestKafka.bootstrapServers(), new Topics(prefix));
    TopicSetup.ensureTopics(settings);
    String registry = RegistryServer.shared().hostPort();
    // A long repository name makes each mismatch long; none of the blobs is on the registry.
    String repository = prefix + "/" + "very-long-path-segment/".repeat(8) + "image";
    List<Descriptor> blobs = IntStream.range(0, BLOBS)
        .mapToObj(i -> new Descriptor(MediaTypes.OCI_LAYER_TAR,
            Digest.of((prefix + i).getBytes(StandardCharsets.UTF_8)), 1))
        .toList();
    ImageSpec image = new ImageSpec("gcr.io/huge/image:1", registry, repository, List.of("1"),
        new Descriptor(MediaTypes.OCI_MANIFEST, Digest.of(prefix.getBytes(StandardCharsets.UTF_8)), 2), List.of(), blobs);
    String runId = "run-" + prefix;
    try (Producer<String, MirrorEvent> producer = new KafkaProducer<>(settings.producer("test-run"))) {
      producer.send(new ProducerRecord<>(settings.topics().results(), image.targetKey(),
          new ImagePushed(runId, Instant.now(), image, image.expectedDigest(), BLOBS, 0, 0, BLOBS, 1, 1, "w",
              Writer.current()))).get();
      producer.send(new ProducerRecord<>(settings.topics().audit(), runId,
          new RunPlanned(runId, Instant.now(), "/bundle", "sha256:00", registry, 1, BLOBS, BLOBS,
              Writer.current()))).get();
    }

    CliRun run = CliRun.of("verify", "--run", runId, "--bootstrap-servers", TestKafka.bootstrapServers(),
        "--topic-prefix", prefix);

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.UNREACHABLE.code);
    assertThat(run.err()).contains("did not take the verdict on " + image.targetRef() + " of run " + runId,
        "RecordTooLargeException");
    assertThat(run.out()).doesNotContain("FAILED", "verified");
    List<MirrorEvent> audit = TopicContents.committed(settings, settings.topics().audit());
    assertThat(audit).noneMatch(event -> event instanceof RunCompleted);
  }
}
