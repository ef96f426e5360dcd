package dev.mirrorseed.cli;

import static dev.mirrorseed.cli.CliProcess.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.TopicContents;
import dev.mirrorseed.events.ImagePushed;
import dev.mirrorseed.events.Topics;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.GeneratedBundle;
import dev.mirrorseed.fixtures.GeneratedImage;
import dev.mirrorseed.kafka.KafkaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka broker goes away in the middle of a run and comes back a few seconds later on the same
 * directory and port, as a broker restarted for an upgrade or after a crash of its host does. The
 * {@code produce}, {@code work} and {@code verify} service processes keep running through it; the run
 * must end as if nothing happened: every image verified, exactly one committed result per image.
 */
class BrokerRestartEndToEndTest {
  private static final long MB = 1_000_000;
  private static final int IMAGES = 12;
  private static final long BUNDLE_BYTES = 360 * MB;
  private static final Duration STARTUP = Duration.ofSeconds(60);
  /**
   * How long the broker stays down before it is started again (which takes seconds more): longer than a
   * process waits for Kafka at its start, so every client must ride the outage out, not report it.
   */
  private static final Duration OUTAGE = KafkaSettings.UNREACHABLE_AFTER;

  @Test
  void aRunSurvivesItsKafkaBrokerRestartingMidRun(@TempDir Path work) throws Exception {
    long started = System.nanoTime();
    GeneratedBundle bundle = BundleGenerator.generate(BundleSpec.of(IMAGES, BUNDLE_BYTES), work.resolve("bundle"));
    Path brokerDir = work.resolve("kafka");
    int port = StandaloneBroker.freePort();
    String kafka = "127.0.0.1:" + port;
    Topics topics = Topics.defaults();
    KafkaSettings settings = new KafkaSettings(kafka, topics);
    Mirror mirror = Mirror.fresh("restart");
    String[] kafkaFlags = {"--bootstrap-servers", kafka};

    CliProcess broker = StandaloneBroker.start(work, "broker-1", brokerDir, port);
    // One worker thread: the other pushes queue behind the one in flight, so most of the run comes after
    // the restart.
    try (CliProcess worker = CliProcess.start(work, "work", with(kafkaFlags, "work", "--workers", "1"));
        CliProcess service = CliProcess.start(work, "verify-service", with(kafkaFlags, "verify"))) {
      WorkProcesses.awaitEveryPartitionShared(kafka, topics, Set.of(worker.pid()), STARTUP);
      service.awaitErr("verifying every run", STARTUP);
      CliProcess produce = CliProcess.start(work, "produce", with(kafkaFlags, "produce", "--source",
          bundle.layout().toString(), "--private-registry", mirror.target()));
      try (produce) {
        // The broker goes as soon as the first image is committed: a push is then in flight, most are to
        // come, and the producer may still be publishing.
        long pushedAtStop = awaitSomePushed(kafka, topics, worker);
        broker.terminate();
        long stopping = System.nanoTime();
        assertThat(broker.exitCode(STARTUP)).as("broker stopped by SIGTERM: " + broker).isEqualTo(143);
        long stoppedAt = System.nanoTime();
        assertThat(pushedAtStop).as("images pushed when the broker was stopped: some, not all")
            .isBetween(1L, IMAGES - 1L);
        Thread.sleep(OUTAGE.toMillis());
        broker = StandaloneBroker.start(work, "broker-2", brokerDir, port);
        Duration away = Duration.ofNanos(System.nanoTime() - stoppedAt);

        assertThat(produce.exitCode(STARTUP)).as(produce.toString()).isZero();
        String runId = produce.out().strip();
        String counts = IMAGES + " pushed, " + IMAGES + " verified, 0 failed";
        service.awaitOut("run " + runId + ": " + counts, STARTUP);
        CliRun verify = CliRun.of(with(kafkaFlags, "verify", "--run", runId));
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.out()).contains(counts);
        for (GeneratedImage image : bundle.images()) {
          assertThat(mirror.digestOf(image.reference())).as(image.reference()).isEqualTo(image.manifestDigest());
        }
        List<ImagePushed> committed =
            WorkProcesses.pushedIn(runId, TopicContents.committed(settings, topics.results()));
        Map<String, Long> perImage = committed.stream()
            .collect(Collectors.groupingBy(pushed -> pushed.image().sourceRef(), Collectors.counting()));
        assertThat(perImage).as("committed ImagePushed per image").hasSize(IMAGES)
            .allSatisfy((image, count) -> assertThat(count).as(image).isEqualTo(1));
        long written = WorkProcesses.pushedIn(runId, TopicContents.uncommitted(settings, topics.results())).size();

        List.of(worker, service).forEach(CliProcess::terminate);
        for (CliProcess stopped : List.of(worker, service)) {
          assertThat(stopped.exitCode(Duration.ofSeconds(15))).as("went on through the restart: " + stopped).isZero();
        }
        long failedCommits = worker.err().lines().filter(line -> line.contains("may not be committed")).count();
        System.out.printf("%s: injected a broker stop (SIGTERM, %.1f s to exit) once %d/%d images were pushed and"
                + " committed; the broker was away %.1f s (restarted on the same directory and port 127.0.0.1:%d);"
                + " retries: %d result commits failed and were redone, %d ImagePushed written for %d committed;"
                + " %d/%d verified by the verify service and by verify --run. Wall time %.1f s%n",
            getClass().getSimpleName(), (stoppedAt - stopping) / 1e9, pushedAtStop, IMAGES, away.toMillis() / 1000.0,
            port, failedCommits, written, committed.size(), IMAGES, IMAGES,
            Duration.ofNanos(System.nanoTime() - started).toMillis() / 1000.0);
      }
    } finally {
      broker.terminate();
      try {
        broker.exitCode(STARTUP);
      } finally {
        broker.close();
      }
    }
  }

  /** Waits until the worker has committed the result of a request or more; gives how many. */
  private static long awaitSomePushed(String kafka, Topics topics, CliProcess worker) throws Exception {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    try (Admin admin = Admin.create(new KafkaSettings(kafka, topics).admin())) {
      while (System.nanoTime() < deadline) {
        long committed = WorkProcesses.committedByProcess(admin, topics).getOrDefault(worker.pid(), 0L);
        if (committed > 0) {
          return committed;
        }
        Thread.sleep(20);
      }
    }
    throw new AssertionError("work committed no request within " + STARTUP + ": " + worker);
  }
}
