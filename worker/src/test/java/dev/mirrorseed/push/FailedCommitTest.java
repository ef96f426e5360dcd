package dev.mirrorseed.push;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.events.PushRequest;
import dev.mirrorseed.events.Writer;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.MediaTypes;
import dev.mirrorseed.registry.RegistryAccess;
import dev.mirrorseed.registry.RegistryClient;
import dev.mirrorseed.registry.RegistryEndpoint;
import dev.mirrorseed.resilience.RegistryResilience;
import dev.mirrorseed.resilience.RegistryRetry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A blob commit answered with 500, from a scripted registry: the retry looks (HEAD) before it sends the
 * blob again, and sends it only when it is not there.
 */
class FailedCommitTest {
  private static final byte[] LAYER = "layer bytes".getBytes(StandardCharsets.UTF_8);
  private static final byte[] MANIFEST = "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8);

  @TempDir Path staging;
  private HttpServer server;
  private RegistryResilience resilience;
  private RegistryClient client;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Long> stored = new ConcurrentHashMap<>();
  private final AtomicBoolean failFirstCommit = new AtomicBoolean(true);
  private volatile boolean storeDespiteFailure;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.createContext("/v2/repo/", this::answer);
    server.start();
    String hostPort = "127.0.0.1:" + server.getAddress().getPort();
    resilience = RegistryResilience.retryOnly(hostPort, new RegistryRetry(3, Duration.ofMillis(1)));
    client = new RegistryClient(RegistryEndpoint.of(hostPort, false), RegistryAccess.defaults(), resilience.exchanges());
  }

  @AfterEach
  void stop() {
    client.close();
    server.stop(0);
  }

  @Test
  void aCommitThatLandedDespiteA500IsNotSentAgain() throws IOException {
    storeDespiteFailure = true;

    PushOutcome outcome = pusher().push(request());

    assertThat(layerRequests()).containsExactly("POST", "PUT 500", "HEAD 200");
    assertThat(outcome.blobsUploaded()).isEqualTo(1);
    assertThat(outcome.attempts()).isEqualTo(2);
    assertThat(client.bytesUploaded()).isEqualTo(LAYER.length);
  }

  @Test
  void aCommitThatDidNotLandIsSentAgainAfterTheHeadFindsNothing() throws IOException {
    storeDespiteFailure = false;

    PushOutcome outcome = pusher().push(request());

    assertThat(layerRequests()).containsExactly("POST", "PUT 500", "HEAD 404", "POST", "PUT 201");
    assertThat(outcome.blobsUploaded()).isEqualTo(1);
    assertThat(client.bytesUploaded()).isEqualTo(2L * LAYER.length);
  }

  private ImagePusher pusher() {
    return new ImagePusher(client, resilience, new BlobLedger());
  }

  /** The blob requests after the first HEAD, as "METHOD [status]"; the image's one blob is the layer. */
  private List<String> layerRequests() {
    List<String> blobs = requests.stream().filter(r -> !r.startsWith("manifest")).toList();
    return blobs.subList(1, blobs.size());
  }

  private void answer(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String uri = exchange.getRequestURI().toString();
    long bodyBytes = exchange.getRequestBody().readAllBytes().length;
    int status;
    if (uri.contains("/manifests/")) {
      // The tag is not there before the push; the manifest's PUT is taken.
      exchange.getResponseHeaders().add("Docker-Content-Digest", Digest.of(MANIFEST).toString());
      status = method.equals("HEAD") ? 404 : 201;
    } else if (method.equals("HEAD")) {
      String digest = uri.substring(uri.lastIndexOf('/') + 1);
      status = stored.containsKey(digest) ? 200 : 404;
      if (status == 200) {
        exchange.getResponseHeaders().add("Content-Length", Long.toString(stored.get(digest)));
      }
    } else if (method.equals("POST")) {
      exchange.getResponseHeaders().add("Location", "/v2/repo/blobs/uploads/session-" + requests.size());
      status = 202;
    } else {
      boolean fail = failFirstCommit.getAndSet(false);
      if (!fail || storeDespiteFailure) {
        stored.put("sha256:" + uri.substring(uri.lastIndexOf("%3A") + 3), bodyBytes);
      }
      status = fail ? 500 : 201;
    }
    requests.add(uri.contains("/manifests/") ? "manifest" : method + (method.equals("POST") ? "" : " " + status));
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }

  private PushRequest request() throws IOException {
    Descriptor layer = stage(MediaTypes.OCI_LAYER_TAR, LAYER);
    Descriptor manifest = stage(MediaTypes.OCI_MANIFEST, MANIFEST);
    ImageSpec image = new ImageSpec("src/repo:v1", client.endpoint().hostPort(), "repo", List.of("v1"), manifest,
        List.of(), List.of(layer));
    return new PushRequest("run", Instant.now(), image, staging.toString(), Writer.current());
  }

  private Descriptor stage(String mediaType, byte[] content) throws IOException {
    Digest digest = Digest.of(content);
    Files.createDirectories(staging.resolve("blobs/sha256"));
    Files.write(staging.resolve("blobs/sha256").resolve(digest.hex()), content);
    return new Descriptor(mediaType, digest, content.length);
  }
}
