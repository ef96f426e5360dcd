package dev.mirrorseed.push;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.events.PushRequest;
import dev.mirrorseed.events.Writer;
import dev.mirrorseed.metrics.RegistryMetrics;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.MediaTypes;
import dev.mirrorseed.registry.RegistryClient;
import dev.mirrorseed.registry.RegistryEndpoint;
import dev.mirrorseed.resilience.RegistryResilience;
import dev.mirrorseed.resilience.ResiliencePolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image's missing blobs are uploaded side by side, never more at once than the upload bulkhead
 * allows, even when two images are pushed together: a registry that takes its time over each upload
 * shows both.
 */
class ParallelUploadsTest {
  private static final int LAYERS = 6;
  private static final int MAX_UPLOADS = 3;
  private static final long UPLOAD_MILLIS = 300;
  private static final byte[] MANIFEST = "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8);

  @TempDir Path staging;
  private HttpServer server;
  private RegistryClient client;
  private final AtomicInteger uploading = new AtomicInteger();
  private final AtomicInteger mostAtOnce = new AtomicInteger();
  private final AtomicInteger uploads = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/v2/", this::answer);
    server.start();
    client = new RegistryClient(RegistryEndpoint.of("127.0.0.1:" + server.getAddress().getPort(), false));
  }

  @AfterEach
  void stop() {
    client.close();
    server.stop(0);
  }

  @Test
  void twoImagesUploadTheirBlobsSideBySideWithinTheBulkhead() throws Exception {
    RegistryResilience resilience = RegistryResilience.of(client.endpoint().hostPort(),
        ResiliencePolicy.defaults().withLimits(0, 0, MAX_UPLOADS),
        new RegistryMetrics(new SimpleMeterRegistry(), client.endpoint().hostPort()));
    BlobLedger ledger = new BlobLedger();
    List<Thread> pushes = new ArrayList<>();
    List<PushOutcome> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
    long started = System.nanoTime();
    for (String repository : List.of("one", "two")) {
      PushRequest request = request(repository);
      Thread push = new Thread(() -> outcomes.add(new ImagePusher(client, resilience, ledger).push(request)));
      push.start();
      pushes.add(push);
    }
    for (Thread push : pushes) {
      push.join();
    }
    double seconds = (System.nanoTime() - started) / 1e9;

    assertThat(outcomes).hasSize(2).allSatisfy(outcome -> assertThat(outcome.blobsUploaded()).isEqualTo(LAYERS));
    assertThat(uploads).hasValue(2 * LAYERS);
    assertThat(mostAtOnce).hasValue(MAX_UPLOADS);
    // 12 uploads of 0.3 s, 3 at a time: 1.2 s; one by one they would take 3.6 s.
    System.out.printf("%d uploads, at most %d at once, in %.2f s%n", uploads.get(), mostAtOnce.get(), seconds);
    assertThat(seconds).isBetween(1.2, 2.5);
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      String uri = exchange.getRequestURI().toString();
      String method = exchange.getRequestMethod();
      exchange.getRequestBody().readAllBytes();
      if (uri.contains("/manifests/") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().add("Docker-Content-Digest", Digest.of(MANIFEST).toString());
        exchange.sendResponseHeaders(201, -1);
      } else if (method.equals("HEAD")) { // no tag and no blob is there yet
        exchange.sendResponseHeaders(404, -1);
      } else if (method.equals("POST")) {
        exchange.getResponseHeaders().add("Location", uri.substring(0, uri.indexOf("/blobs/")) + "/blobs/uploads/s");
        exchange.sendResponseHeaders(202, -1);
      } else {
        int now = uploading.incrementAndGet();
        mostAtOnce.accumulateAndGet(now, Math::max);
        try {
          Thread.sleep(UPLOAD_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        uploading.decrementAndGet();
        uploads.incrementAndGet();
        exchange.sendResponseHeaders(201, -1);
      }
    }
  }

  /** An image of {@link #LAYERS} layers of its own in {@code repository}. */
  private PushRequest request(String repository) throws IOException {
    List<Descriptor> layers = new ArrayList<>();
    for (int i = 0; i < LAYERS; i++) {
      layers.add(stage(MediaTypes.OCI_LAYER_TAR, (repository + " layer " + i).getBytes(StandardCharsets.UTF_8)));
    }
    Descriptor manifest = stage(MediaTypes.OCI_MANIFEST, MANIFEST);
    ImageSpec image = new ImageSpec("src/" + repository + ":v1", client.endpoint().hostPort(), repository,
        List.of("v1"), manifest, List.of(), layers);
    return new PushRequest("run", Instant.now(), image, staging.toString(), Writer.current());
  }

  private Descriptor stage(String mediaType, byte[] content) throws IOException {
    Digest digest = Digest.of(content);
    Files.createDirectories(staging.resolve("blobs/sha256"));
    Files.write(staging.resolve("blobs/sha256").resolve(digest.hex()), content);
    return new Descriptor(mediaType, digest, content.length);
  }
}
