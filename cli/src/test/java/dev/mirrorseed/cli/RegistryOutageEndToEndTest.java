package dev.mirrorseed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.TestKafka;
import dev.mirrorseed.events.ImagePushed;
import dev.mirrorseed.events.PushResult;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.GeneratedBundle;
import dev.mirrorseed.fixtures.GeneratedImage;
import dev.mirrorseed.fixtures.RegistryServer;
import dev.mirrorseed.fixtures.RegistryVariant;
import dev.mirrorseed.fixtures.Sha256;
import dev.mirrorseed.fixtures.Skopeo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #5: the registry goes away for 30 s in the middle of a {@code push} and comes back with its
 * storage. The circuit breaker opens, the workers wait instead of failing images, and the run ends
 * with every image verified.
 */
class RegistryOutageEndToEndTest {
  private static final Duration OUTAGE = Duration.ofSeconds(30);
  /** Uploads under way before the registry goes: the outage cuts pushes in the middle. */
  private static final double UPLOADED_BEFORE_OUTAGE_BYTES = 10_000_000;

  @Test
  void pushesPauseWhileTheRegistryIsDownAndEveryImageLandsAfterItComesBack(@TempDir Path dir) throws Exception {
    RegistryServer registry = RegistryServer.start(RegistryVariant.plain());
    try {
      GeneratedBundle bundle = BundleGenerator.generate(BundleSpec.of(6, 96_000_000), dir.resolve("bundle"));
      String namespace = "outage" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
      String topicPrefix = "test-" + namespace;
      int metricsPort = MetricsScrape.freePort();
      long started = System.nanoTime();
      // 8 MiB/s keeps the run going for a while after the registry is back (96 MB take ~11 s).
      CompletableFuture<CliRun> running = CompletableFuture.supplyAsync(() -> CliRun.of("push",
          "--source", bundle.layout().toString(), "--private-registry", registry.hostPort() + "/" + namespace,
          "--bootstrap-servers", TestKafka.bootstrapServers(), "--topic-prefix", topicPrefix,
          "--workspace", dir.resolve("work").toString(), "--workers", "4", "--max-bandwidth", "8MiB",
          "--metrics-port", Integer.toString(metricsPort)));

      MetricsScrape before = awaitScrape(metricsPort, running,
          scrape -> scrape.sum("mirrorseed_upload_bytes_total") >= UPLOADED_BEFORE_OUTAGE_BYTES);
      registry.stop();
      long stopped = System.nanoTime();
      boolean sawOpen = false;
      MetricsScrape during = before;
      while (System.nanoTime() - stopped < OUTAGE.toNanos()) {
        MetricsScrape scrape = MetricsScrape.of(metricsPort);
        if (scrape != null) {
          during = scrape;
          sawOpen |= scrape.sum("mirrorseed_circuit_breaker_state", "state=\"open\"") == 1;
        }
        Thread.sleep(250);
      }
      MetricsScrape atRestart = during;
      registry.restart();
      long restarted = System.nanoTime();
      CliRun run = running.get(120, TimeUnit.SECONDS);
      double seconds = (System.nanoTime() - started) / 1e9;

      int images = bundle.images().size();
      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(run.out()).contains(images + " pushed, " + images + " verified, 0 failed");
      for (GeneratedImage image : bundle.images()) {
        String ref = registry.hostPort() + "/" + namespace + "/"
            + image.reference().substring(image.reference().indexOf('/') + 1);
        assertThat(Sha256.of(Skopeo.inspectRaw(ref))).as(ref).isEqualTo(image.manifestDigest());
      }
      List<PushResult> results = ResultsTopic.read(TestKafka.bootstrapServers(), topicPrefix);
      System.out.printf("outage of %d s after %.1f MB uploaded: breaker open seen %s, opened %.0f time(s),"
              + " probes %.0f down / %.0f up (at restart), images pushed before/during the outage %.0f,"
              + " retries %.0f (io %.0f); run ended %.1f s after the restart, %d images in %.1f s%n",
          OUTAGE.toSeconds(), before.sum("mirrorseed_upload_bytes_total") / 1e6, sawOpen,
          atRestart.sum("mirrorseed_circuit_breaker_opened_total"),
          atRestart.sum("mirrorseed_registry_probes_total", "outcome=\"down\""),
          atRestart.sum("mirrorseed_registry_probes_total", "outcome=\"up\""),
          atRestart.sum("mirrorseed_image_push_seconds_count", "outcome=\"pushed\""),
          atRestart.sum("mirrorseed_registry_retries_total"),
          atRestart.sum("mirrorseed_registry_retries_total", "cause=\"io\""),
          (System.nanoTime() - restarted) / 1e9, images, seconds);

      assertThat(sawOpen).as("the breaker was seen open on /metrics during the outage").isTrue();
      assertThat(atRestart.sum("mirrorseed_circuit_breaker_opened_total")).as("one outage").isEqualTo(1);
      // Probes every 5 s found it down until it came back, and no image failed meanwhile.
      assertThat(atRestart.sum("mirrorseed_registry_probes_total", "outcome=\"down\"")).isGreaterThanOrEqualTo(3);
      assertThat(atRestart.sum("mirrorseed_image_push_seconds_count", "outcome=\"failed\"")).isZero();
      assertThat(results).hasSizeGreaterThanOrEqualTo(images).allMatch(ImagePushed.class::isInstance);
      assertThat(atRestart.sum("mirrorseed_image_push_seconds_count", "outcome=\"pushed\"")).isLessThan(images);
    } finally {
      registry.stop();
    }
  }

  /** Scrapes until {@code ready} holds; fails if the run ends first or nothing is ready within a minute. */
  private static MetricsScrape awaitScrape(int port, CompletableFuture<CliRun> running,
      java.util.function.Predicate<MetricsScrape> ready) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (System.nanoTime() < deadline) {
      if (running.isDone()) {
        throw new AssertionError("the run ended before the outage: " + running.get());
      }
      MetricsScrape scrape = MetricsScrape.of(port);
      if (scrape != null && ready.test(scrape)) {
        return scrape;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("uploads did not start within a minute");
  }
}
