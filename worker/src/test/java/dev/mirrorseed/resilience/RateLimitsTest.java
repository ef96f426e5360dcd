package dev.mirrorseed.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.fixtures.RegistryServer;
import dev.mirrorseed.metrics.RegistryMetrics;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.MediaTypes;
import dev.mirrorseed.registry.RegistryAccess;
import dev.mirrorseed.registry.RegistryClient;
import dev.mirrorseed.registry.RegistryEndpoint;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The request and bandwidth limits hold whatever the number of threads, and only slow down as much as asked. */
class RateLimitsTest {
  private static final long MIB = 1024 * 1024;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @Test
  void fourThreadsMakeTwentyRequestsASecondBetweenThem() throws Exception {
    RateLimits limits = new RateLimits("r:1", 20, 0, new RegistryMetrics(meters, "r:1"));
    List<Thread> threads = new ArrayList<>();
    long started = System.nanoTime();
    for (int t = 0; t < 4; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 15; i++) {
          limits.awaitRequestTurn();
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    double seconds = (System.nanoTime() - started) / 1e9;

    // 60 turns at 20/s, the first 100 ms' share (2) at once: 58 / 20 = 2.9 s.
    System.out.printf("60 requests at --rate-limit 20 took %.2f s%n", seconds);
    assertThat(seconds).isBetween(2.8, 3.4);
    assertThat(meters.get("mirrorseed.rate.limit.waits").tag("limit", "requests").timer().count()).isPositive();
  }

  @Test
  void twentyMebibytesAtTenPerSecondTakeTwoSeconds(@TempDir Path dir) throws Exception {
    String hostPort = RegistryServer.shared().hostPort();
    RegistryResilience resilience = RegistryResilience.of(hostPort,
        ResiliencePolicy.defaults().withLimits(0, 10 * MIB, 4), new RegistryMetrics(meters, hostPort));
    byte[] content = new byte[(int) (20 * MIB)];
    ThreadLocalRandom.current().nextBytes(content);
    Path file = Files.write(dir.resolve("blob"), content);
    Descriptor blob = new Descriptor(MediaTypes.OCI_LAYER_TAR, Digest.of(content), content.length);

    try (RegistryClient client = new RegistryClient(RegistryEndpoint.of(hostPort, false), RegistryAccess.defaults(),
        resilience.exchanges())) {
      long started = System.nanoTime();
      client.uploadBlob("rate-limits-test/r" + System.nanoTime(), blob, file);
      double seconds = (System.nanoTime() - started) / 1e9;

      // 20 MiB at 10 MiB/s: the first 100 ms' share (1 MiB) goes at once, then 19 refills. The limiter's
      // periods count from its creation, before the file was written, so the first refill may come at
      // any time within 100 ms of the start: 1.8-1.9 s, plus the exchange itself.
      System.out.printf("20 MiB at --max-bandwidth 10MiB took %.2f s%n", seconds);
      assertThat(seconds).isBetween(1.78, 3.5);
      assertThat(client.bytesUploaded()).isEqualTo(content.length);
    }
  }
}
