package dev.mirrorseed.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.groups.Tuple.tuple;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload protocol as a registry sees it, from a scripted in-process server: chunk sizes, ranges,
 * which URL each request goes to, and what a mount refused with 202 leads to.
 */
class ChunkedUploadProtocolTest {
  private static final long KIB = 1024;

  @TempDir Path dir;
  private HttpServer server;
  private final List<Seen> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger sessions = new AtomicInteger();
  private final AtomicLong received = new AtomicLong();
  private volatile String minChunkLength;
  private volatile long rangeShortfall;
  private volatile boolean refuseMounts;

  /** One request as the server got it. */
  record Seen(String method, String uri, String contentRange, String contentType, long bodyBytes) {}

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.createContext("/v2/repo/blobs/uploads/", this::answer);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void chunksAreNeverSmallerThanTheRegistrysMinimum() throws IOException {
    minChunkLength = Long.toString(4 * KIB);
    TestBlob blob = TestBlob.random(dir.resolve("blob"), 10 * KIB, 1);

    try (RegistryClient client = client(KIB)) {
      client.uploadBlob("repo", blob.descriptor(), blob.file());
    }

    assertThat(requests).extracting(Seen::method).containsExactly("POST", "PATCH", "PATCH", "PATCH", "PUT");
    assertThat(requests.subList(1, 4)).extracting(Seen::contentRange, Seen::bodyBytes).containsExactly(
        tuple("0-4095", 4 * KIB),
        tuple("4096-8191", 4 * KIB),
        tuple("8192-10239", 2 * KIB));
    assertThat(requests.subList(1, 4)).extracting(Seen::contentType).containsOnly("application/octet-stream");
  }

  @Test
  void eachRequestGoesWhereThePreviousAnswerSaid() throws IOException {
    TestBlob blob = TestBlob.random(dir.resolve("blob"), 3 * KIB, 2);

    try (RegistryClient client = client(KIB)) {
      BlobTransfer transfer = client.uploadBlob("repo", blob.descriptor(), blob.file());

      assertThat(transfer).isEqualTo(new BlobTransfer(false, 3 * KIB));
    }

    assertThat(requests).extracting(Seen::uri).containsExactly(
        "/v2/repo/blobs/uploads/",
        "/v2/repo/blobs/uploads/s1?_state=1",
        "/v2/repo/blobs/uploads/s2?_state=2",
        "/v2/repo/blobs/uploads/s3?_state=3",
        "/v2/repo/blobs/uploads/s4?_state=4&digest=sha256%3A" + blob.descriptor().digest().hex());
    assertThat(requests.get(4).bodyBytes()).isZero();
    assertThat(received.get()).isEqualTo(3 * KIB);
  }

  @Test
  void aChunkTheRegistryOnlyPartlyHoldsFailsRetriablyBeforeTheCommit() throws IOException {
    rangeShortfall = 100;
    TestBlob blob = TestBlob.random(dir.resolve("blob"), 3 * KIB, 3);

    try (RegistryClient client = client(KIB)) {
      RegistryException e = catchThrowableOfType(RegistryException.class,
          () -> client.uploadBlob("repo", blob.descriptor(), blob.file()));

      assertThat(e.retriable()).isTrue();
      assertThat(e.getMessage()).contains(blob.descriptor().digest().toString(), "holds bytes 0-923",
          "sent up to byte 1023", "proxy").doesNotContain("\n");
    }
    assertThat(requests).extracting(Seen::method).containsExactly("POST", "PATCH");
  }

  @Test
  void mountAnsweredWithASessionUploadsThroughThatSession() throws IOException {
    TestBlob blob = TestBlob.random(dir.resolve("blob"), 2 * KIB, 4);

    try (RegistryClient client = client(0)) {
      BlobTransfer transfer = client.mountBlob("repo", blob.descriptor(), "elsewhere", blob.file());

      assertThat(transfer).isEqualTo(new BlobTransfer(false, 2 * KIB));
    }

    assertThat(requests).extracting(Seen::method, Seen::uri).containsExactly(
        tuple("POST",
            "/v2/repo/blobs/uploads/?mount=" + blob.descriptor().digest() + "&from=elsewhere"),
        tuple("PUT",
            "/v2/repo/blobs/uploads/s1?_state=1&digest=sha256%3A" + blob.descriptor().digest().hex()));
  }

  @Test
  void aMountRefusedForWantOfPullRightsFallsBackToAnOrdinaryUpload() throws IOException {
    refuseMounts = true;
    TestBlob blob = TestBlob.random(dir.resolve("blob"), 2 * KIB, 5);

    try (RegistryClient client = client(0)) {
      BlobTransfer transfer = client.mountBlob("repo", blob.descriptor(), "elsewhere", blob.file());

      assertThat(transfer).isEqualTo(new BlobTransfer(false, 2 * KIB));
    }

    assertThat(requests).extracting(Seen::method, Seen::uri).containsExactly(
        tuple("POST", "/v2/repo/blobs/uploads/?mount=" + blob.descriptor().digest() + "&from=elsewhere"),
        tuple("POST", "/v2/repo/blobs/uploads/"),
        tuple("PUT", "/v2/repo/blobs/uploads/s1?_state=1&digest=sha256%3A" + blob.descriptor().digest().hex()));
  }

  private RegistryClient client(long chunkBytes) {
    return new RegistryClient(RegistryEndpoint.of("127.0.0.1:" + server.getAddress().getPort(), false),
        TestAccess.chunked(chunkBytes));
  }

  /** POST opens session s1 (or refuses a mount); each PATCH moves it to the next; the PUT commits. */
  private void answer(HttpExchange exchange) throws IOException {
    long body = exchange.getRequestBody().readAllBytes().length;
    String query = exchange.getRequestURI().getRawQuery();
    requests.add(new Seen(exchange.getRequestMethod(),
        exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query),
        exchange.getRequestHeaders().getFirst("Content-Range"),
        exchange.getRequestHeaders().getFirst("Content-Type"), body));
    switch (exchange.getRequestMethod()) {
      case "POST" -> {
        if (refuseMounts && query != null && query.startsWith("mount=")) {
          respond(exchange, 401);
          return;
        }
        if (minChunkLength != null) {
          exchange.getResponseHeaders().add(UploadSession.MIN_CHUNK_HEADER, minChunkLength);
        }
        nextSession(exchange);
        respond(exchange, 202);
      }
      case "PATCH" -> {
        long total = received.addAndGet(body);
        exchange.getResponseHeaders().add("Range", "0-" + (total - 1 - rangeShortfall));
        nextSession(exchange);
        respond(exchange, 202);
      }
      default -> respond(exchange, 201);
    }
  }

  private void nextSession(HttpExchange exchange) {
    int session = sessions.incrementAndGet();
    exchange.getResponseHeaders().add("Location", "/v2/repo/blobs/uploads/s" + session + "?_state=" + session);
  }

  private static void respond(HttpExchange exchange, int status) throws IOException {
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }
}
