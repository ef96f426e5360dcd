package dev.mirrorseed.cli;

import static dev.mirrorseed.cli.CliProcess.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.TestKafka;
import dev.mirrorseed.TopicContents;
import dev.mirrorseed.events.ImagePushed;
import dev.mirrorseed.events.Topics;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.GeneratedBundle;
import dev.mirrorseed.fixtures.GeneratedImage;
import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.oci.Descriptor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distributed form on real components: {@code produce}, two {@code work} processes,
 * {@code verify --run} and the {@code verify} service, each a JVM of its own but the first verify,
 * meeting on one real Kafka broker and pushing into a real registry; skopeo checks what landed, and the
 * results topic is read as every reader reads it.
 */
class DistributedEndToEndTest {
  private static final long MB = 1_000_000;
  private static final int IMAGES = 12;
  private static final Duration STARTUP = Duration.ofSeconds(60);
  @TempDir static Path shared;
  static GeneratedBundle bundle;
  static Path archive;

  @BeforeAll
  static void generateBundle() {
    // Twelve repositories, so that both processes' partitions get some (all in one half: 1 in 2048).
    bundle = BundleGenerator.generate(BundleSpec.of(IMAGES, 24 * MB), shared.resolve("bundle"));
    archive = BundleGenerator.writeTar(bundle.layout(), shared.resolve("bundle.tar"));
  }

  @Test
  void produceThenTwoWorkProcessesThenVerifyPushEveryImageExactlyOnce(@TempDir Path work) throws Exception {
    String kafka = TestKafka.bootstrapServers();
    Topics topics = new Topics("dist" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL));
    Mirror mirror = Mirror.fresh("dist");
    String[] kafkaFlags = {"--bootstrap-servers", kafka, "--topic-prefix", topics.prefix()};

    try (CliProcess first = CliProcess.start(work, "work-1", with(kafkaFlags, "work", "--workers", "2"));
        CliProcess second = CliProcess.start(work, "work-2", with(kafkaFlags, "work", "--workers", "2"));
        CliProcess service = CliProcess.start(work, "verify-service", with(kafkaFlags, "verify"))) {
      WorkProcesses.awaitEveryPartitionShared(kafka, topics, Set.of(first.pid(), second.pid()), STARTUP);

      CliProcess produce = CliProcess.start(work, "produce", with(kafkaFlags, "produce", "--source",
          archive.toString(), "--private-registry", mirror.target(), "--staging", work.resolve("staging").toString()));
      assertThat(produce.exitCode(STARTUP)).as(produce.toString()).isZero();
      String runId = produce.out().strip();
      assertThat(produce.err()).contains("run " + runId + ": " + IMAGES + " images published");

      CliRun verify = CliRun.of(with(kafkaFlags, "verify", "--run", runId));

      assertThat(verify.exitCode()).as(verify.toString()).isZero();
      assertThat(verify.out()).contains(IMAGES + " pushed, " + IMAGES + " verified, 0 failed");
      for (GeneratedImage image : bundle.images()) {
        assertThat(verify.out()).contains("verified " + image.reference() + " -> " + mirror.refOf(image.reference()));
        assertThat(mirror.digestOf(image.reference())).as(image.reference()).isEqualTo(image.manifestDigest());
      }
      List<ImagePushed> committed = WorkProcesses.pushedIn(runId,
          TopicContents.committed(new KafkaSettings(kafka, topics), topics.results()));
      Map<String, Long> resultsPerImage = committed.stream()
          .collect(Collectors.groupingBy(pushed -> pushed.image().sourceRef(), Collectors.counting()));
      assertThat(resultsPerImage).as("committed ImagePushed per image").hasSize(IMAGES).allSatisfy(
          (image, count) -> assertThat(count).as(image).isEqualTo(1));
      Set<Long> pushingProcesses = committed.stream().map(pushed -> WorkProcesses.processOf(pushed.workerId()))
          .collect(Collectors.toSet());
      assertThat(pushingProcesses).as("processes whose workers pushed").containsExactlyInAnyOrder(
          first.pid(), second.pid());
      // Every image has the base layer and pairs share a middle one: each went up once, the process
      // without it waiting for the other's upload and mounting it, not sending it again.
      long uniqueBytes = committed.stream().flatMap(pushed -> pushed.image().blobs().stream()).distinct()
          .mapToLong(Descriptor::size).sum();
      assertThat(committed.stream().mapToLong(ImagePushed::bytesUploaded).sum()).as("bytes uploaded by both")
          .isEqualTo(uniqueBytes);

      // The verify service completed the same run on its own.
      service.awaitOut("run " + runId + ": " + IMAGES + " pushed, " + IMAGES + " verified, 0 failed", STARTUP);

      List.of(first, second, service).forEach(CliProcess::terminate);
      for (CliProcess stopped : List.of(first, second, service)) {
        assertThat(stopped.exitCode(Duration.ofSeconds(15))).as(stopped.toString()).isZero();
      }
    }
  }

  @Test
  void workStopsCleanlyOnSigterm(@TempDir Path work) throws Exception {
    String kafka = TestKafka.bootstrapServers();
    Topics topics = new Topics("term" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL));
    try (CliProcess worker = CliProcess.start(work, "work", "work", "--bootstrap-servers", kafka,
        "--topic-prefix", topics.prefix())) {
      WorkProcesses.awaitEveryPartitionShared(kafka, topics, Set.of(worker.pid()), STARTUP);
      long signalled = System.nanoTime();

      worker.terminate();

      assertThat(worker.exitCode(Duration.ofSeconds(10))).as(worker.toString()).isZero();
      assertThat(Duration.ofNanos(System.nanoTime() - signalled)).isLessThan(Duration.ofSeconds(5));
      assertThat(worker.err()).contains("stopped").doesNotContain("Exception");
    }
  }
}
