package dev.mirrorseed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorseed.TestKafka;
import dev.mirrorseed.events.ImagePushed;
import dev.mirrorseed.events.PushResult;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.FaultPlan;
import dev.mirrorseed.fixtures.FaultPlan.Fault;
import dev.mirrorseed.fixtures.FaultProxy;
import dev.mirrorseed.fixtures.GeneratedBundle;
import dev.mirrorseed.fixtures.GeneratedImage;
import dev.mirrorseed.fixtures.RegistryServer;
import dev.mirrorseed.fixtures.Sha256;
import dev.mirrorseed.fixtures.Skopeo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #5: {@code push} through a proxy that fails about a third of the requests (503s, 429s with
 * {@code Retry-After: 1}, connections cut mid-body) and stalls some more still lands every image, and
 * the retries the workers report are the faults the proxy injected into their requests.
 */
class FaultyRegistryEndToEndTest {
  private static final FaultPlan FAULTS = new FaultPlan(0.20, 0.10, 0.05, 0.05, 1, Duration.ofSeconds(2));
  /** Faults that fail the request they hit; a 2 s stall is well inside every timeout and fails nothing. */
  private static final List<Fault> FAILING = List.of(Fault.UNAVAILABLE, Fault.RATE_LIMITED, Fault.RESET);
  /** Only workers send these; the verifier reads with GET and HEAD, first contact and probes GET /v2/. */
  private static final List<String> WORKER_ONLY_METHODS = List.of("POST", "PUT", "PATCH");

  @Test
  void everyImageLandsAndTheWorkersRetriedExactlyTheFaultsTheirRequestsMet(@TempDir Path dir) throws Exception {
    // Layers of 8, 6 and 5 MB, streamed from their files (over 4 MiB), so resets cut bodies; configs and
    // manifests are sent from memory. Four images keep the run near half a minute: with a third of
    // requests failing, time goes to backoff, not bytes.
    GeneratedBundle bundle = BundleGenerator.generate(BundleSpec.of(4, 40_000_000).withMultiArch(true),
        dir.resolve("bundle"));
    String namespace = "faults" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    String topicPrefix = "test-" + namespace;
    int metricsPort = MetricsScrape.freePort();
    long started = System.nanoTime();
    CliRun run;
    AtomicReference<MetricsScrape> lastScrape = new AtomicReference<>();
    try (FaultProxy proxy = FaultProxy.start(RegistryServer.shared().hostPort(), FAULTS)) {
      Thread scraper = scrapeUntilInterrupted(metricsPort, lastScrape);
      try {
        run = CliRun.of("push", "--source", bundle.layout().toString(),
            "--private-registry", proxy.hostPort() + "/" + namespace,
            "--bootstrap-servers", TestKafka.bootstrapServers(), "--topic-prefix", topicPrefix,
            "--workspace", dir.resolve("work").toString(), "--workers", "4",
            "--report", dir.resolve("report.json").toString(), "--metrics-port", Integer.toString(metricsPort));
      } finally {
        scraper.interrupt();
        scraper.join();
      }
      double seconds = (System.nanoTime() - started) / 1e9;

      int images = bundle.images().size();
      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(run.out()).contains(images + " pushed, " + images + " verified, 0 failed");
      // Read back from the registry itself, not through the proxy, by an independent client.
      for (GeneratedImage image : bundle.images()) {
        String ref = RegistryServer.shared().hostPort() + "/" + namespace + "/"
            + image.reference().substring(image.reference().indexOf('/') + 1);
        assertThat(Sha256.of(Skopeo.inspectRaw(ref))).as(ref).isEqualTo(image.manifestDigest());
      }

      List<PushResult> results = ResultsTopic.read(TestKafka.bootstrapServers(), topicPrefix);
      assertThat(results).hasSizeGreaterThanOrEqualTo(images).allMatch(ImagePushed.class::isInstance);
      long workerRetries = results.stream().mapToLong(r -> ((ImagePushed) r).attempts() - 1).sum();
      long onWorkerOnlyRequests = injected(proxy, WORKER_ONLY_METHODS);
      long onHeads = injected(proxy, List.of("HEAD"));
      long onGets = injected(proxy, List.of("GET"));
      long resetsOnReads = proxy.injected(Fault.RESET, "HEAD") + proxy.injected(Fault.RESET, "GET");
      MetricsScrape metrics = lastScrape.get();
      double pushRetries = metrics.sum("mirrorseed_registry_retries_total", "caller=\"push\"");
      double allRetries = metrics.sum("mirrorseed_registry_retries_total");
      double failedProbes = metrics.sum("mirrorseed_registry_probes_total", "outcome=\"down\"");
      System.out.printf("faults injected: %d x 503, %d x 429, %d resets (%d on HEAD/GET), %d stalls (failing: %d on"
              + " POST/PUT/PATCH, %d on HEAD, %d on GET); worker retries %d (results), %.0f (metrics); all retries %.0f"
              + " (verify %.0f, ping %.0f); breaker opened %.0f times; %d images in %.1f s%n",
          proxy.injected(Fault.UNAVAILABLE), proxy.injected(Fault.RATE_LIMITED), proxy.injected(Fault.RESET),
          resetsOnReads, proxy.injected(Fault.STALL), onWorkerOnlyRequests, onHeads, onGets, workerRetries,
          pushRetries, allRetries,
          metrics.sum("mirrorseed_registry_retries_total", "caller=\"verify\""),
          metrics.sum("mirrorseed_registry_retries_total", "caller=\"ping\""),
          metrics.sum("mirrorseed_circuit_breaker_opened_total"), images, seconds);

      assertThat(onWorkerOnlyRequests + onHeads + onGets).as("the proxy injected faults").isGreaterThanOrEqualTo(20);
      // What to compare: each injected 503, 429 or reset fails exactly one request (the registry behind
      // the proxy is healthy, and a 2 s stall ends inside every timeout), and each failed request costs
      // exactly one retry: a request is retried on its own, a blob body by starting its upload over.
      // Only workers send POST, PUT and PATCH, and the JDK's client never resends those by itself, so
      // every fault on them is a worker retry: a tight lower bound. HEADs come from workers and the
      // verifier alike, so their faults bound worker retries from above; GETs are the verifier's and
      // probes'. Summed over the results topic, duplicates from a rebalance included (their requests
      // met faults too).
      assertThat(workerRetries).isBetween(onWorkerOnlyRequests, onWorkerOnlyRequests + onHeads);
      // The process's own count agrees with the results topic; and the retries of every caller
      // (workers, verifier, first contact) are the failing faults, less those no code of ours saw: a
      // reset before the answer on a reused connection is resent by the JDK's client itself for GET and
      // HEAD, and a failed probe (while a breaker was open) is not retried, only repeated later.
      assertThat(pushRetries).isEqualTo(workerRetries);
      long failing = onWorkerOnlyRequests + onHeads + onGets;
      assertThat(allRetries).isBetween((double) failing - resetsOnReads - failedProbes, (double) failing);
      assertThat(seconds).isLessThan(90);
    }
    assertThat(new ObjectMapper().readTree(dir.resolve("report.json").toFile()).get("verified").asInt())
        .isEqualTo(bundle.images().size());
  }

  private static long injected(FaultProxy proxy, List<String> methods) {
    long sum = 0;
    for (Fault fault : FAILING) {
      for (String method : methods) {
        sum += proxy.injected(fault, method);
      }
    }
    return sum;
  }

  /**
   * Scrapes every 100 ms until interrupted, keeping the last answer. The endpoint closes with the
   * command, at least a worker's poll (0.5 s) after the verifier's last read, so that answer is final.
   */
  private static Thread scrapeUntilInterrupted(int port, AtomicReference<MetricsScrape> last) {
    Thread scraper = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        MetricsScrape scrape = MetricsScrape.of(port);
        if (scrape != null) {
          last.set(scrape);
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "metrics-scraper");
    scraper.start();
    return scraper;
  }
}
