package dev.mirrorseed.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirrorseed.oci.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The raw path of a plain-HTTP registry's requests (sendfile uploads, small bodies, checks on kept
 * connections) against a scripted HTTP/1.1 server on a raw socket, which sees the exact bytes sent and
 * answers as registries and the proxies in front of them do.
 */
class SendfileTransportTest {
  private static final int BODY_BYTES = 3 * FileBody.SLICE_BYTES + 12_345;
  /**
   * Each scripted server on a thread of its own: in the shared pool, one that stays silent for 10 s held
   * up the next test's server that long.
   */
  private static final Executor OWN_THREAD = task -> {
    Thread thread = new Thread(task, "scripted-registry");
    thread.setDaemon(true);
    thread.start();
  };

  @TempDir Path dir;
  private ServerSocket server;
  private Path file;
  private byte[] content;
  private final List<HttpRequest> delegated = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
    content = new byte[BODY_BYTES];
    new Random(7).nextBytes(content);
    file = Files.write(dir.resolve("blob"), content);
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  @Test
  void sendsHeadAndFileExactlyAndReadsTheAnswer() throws Exception {
    CompletableFuture<Received> received = serve(in -> "HTTP/1.1 201 Created\r\n"
        + "Location: /v2/repo/blobs/sha256:abc\r\nDocker-Content-Digest: " + Digest.of(content) + "\r\n"
        + "Content-Length: 0\r\n\r\n", true);
    AtomicLong counted = new AtomicLong();

    HttpResponse<byte[]> response = transport().send(put(counted, "/v2/repo/blobs/uploads/s1?_state=x%3D&digest=d"));

    Received request = received.get(10, TimeUnit.SECONDS);
    assertThat(request.head()).startsWith("PUT /v2/repo/blobs/uploads/s1?_state=x%3D&digest=d HTTP/1.1\r\n")
        .contains("Host: 127.0.0.1:" + server.getLocalPort() + "\r\n")
        .contains("Content-Length: " + BODY_BYTES + "\r\n")
        .containsIgnoringCase("authorization: Bearer t0ken\r\n")
        .containsIgnoringCase("content-type: application/octet-stream\r\n");
    assertThat(Digest.of(request.body())).isEqualTo(Digest.of(content));
    assertThat(counted.get()).isEqualTo(BODY_BYTES);
    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.headers().firstValue("docker-content-digest")).contains(Digest.of(content).toString());
    assertThat(response.body()).isEmpty();
    assertThat(delegated).isEmpty();
  }

  @Test
  void readsAChunkedErrorBody() throws Exception {
    serve(in -> "HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "b\r\n{\"errors\":[\r\n11\r\n{\"code\":\"DIGEST\"}\r\n1\r\n]\r\n1;ext=1\r\n}\r\n0\r\n\r\n", true);

    HttpResponse<byte[]> response = transport().send(put(new AtomicLong(), "/v2/repo/blobs/uploads/s1"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("{\"errors\":[{\"code\":\"DIGEST\"}]}");
  }

  @Test
  void answerSentBeforeTheBodyWasReadIsReturned() throws Exception {
    // Like a registry that refuses the credentials of a PUT at once and closes, unread body and all.
    serve(in -> "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"r\"\r\n"
        + "Content-Length: 2\r\n\r\n{}", false);
    // Larger than the socket buffers on both ends, so sending it fails once the server has closed.
    long large = 64L * 1024 * 1024;
    try (var out = Files.newByteChannel(file, java.nio.file.StandardOpenOption.WRITE)) {
      out.position(large - 1).write(java.nio.ByteBuffer.wrap(new byte[1]));
    }
    HttpRequest put = HttpRequest.newBuilder(uri("/v2/repo/blobs/uploads/s1"))
        .timeout(Duration.ofSeconds(30))
        .PUT(new FileBody(file, large, bytes -> {}))
        .build();

    HttpResponse<byte[]> response = transport().send(put);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"r\"");
  }

  @Test
  void registryThatNeverAnswersTimesOut() throws Exception {
    serve(in -> null, true);
    HttpRequest put = HttpRequest.newBuilder(uri("/v2/repo/blobs/uploads/s1"))
        .timeout(Duration.ofMillis(500))
        .PUT(new FileBody(file, BODY_BYTES, bytes -> {}))
        .build();

    long started = System.nanoTime();
    assertThatThrownBy(() -> transport().send(put)).isInstanceOf(HttpTimeoutException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void fileShorterThanItsLengthFailsAsChangedWhileUploading() throws Exception {
    serve(in -> null, true);
    HttpRequest put = HttpRequest.newBuilder(uri("/v2/repo/blobs/uploads/s1"))
        .timeout(Duration.ofSeconds(10))
        .PUT(new FileBody(file, BODY_BYTES + 10, bytes -> {}))
        .build();

    assertThatThrownBy(() -> transport().send(put)).hasMessageContaining("changed while being uploaded");
  }

  @Test
  void otherHostsBlobDownloadsAndOtherBodiesGoToTheClientBeneath() throws Exception {
    Transport transport = transport();
    HttpRequest streamed = HttpRequest.newBuilder(uri("/v2/repo/blobs/uploads/s1"))
        .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(content)))
        .build();
    HttpRequest elsewhere = HttpRequest.newBuilder(URI.create("http://127.0.0.2:9/v2/repo/blobs/uploads/s1"))
        .PUT(new FileBody(file, BODY_BYTES, bytes -> {})).build();
    HttpRequest checkElsewhere = HttpRequest.newBuilder(URI.create("http://127.0.0.2:9/v2/")).GET().build();
    HttpRequest download = HttpRequest.newBuilder(uri("/v2/repo/blobs/" + Digest.of(content))).GET().build();

    for (HttpRequest request : List.of(streamed, elsewhere, checkElsewhere, download)) {
      transport.send(request);
    }

    assertThat(delegated).containsExactly(streamed, elsewhere, checkElsewhere, download);
  }

  @Test
  void smallBodiesAndUploadsGoOnNewConnectionsThatChecksThenUse() throws Exception {
    // A POST or PUT never goes on a kept connection (it may not be sent twice), but leaves its own kept.
    // The first connection stays open but unread after the check: a PUT sent on it would never be answered.
    byte[] manifest = "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8);
    CompletableFuture<List<String>> requests = serveConnections(
        new Connection(false, "HTTP/1.1 202 Accepted\r\nLocation: /v2/repo/blobs/uploads/s1\r\n"
            + "Content-Length: 0\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
        new Connection(true, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"));
    AtomicLong counted = new AtomicLong();
    Transport transport = transport();

    HttpResponse<byte[]> post = transport.send(HttpRequest.newBuilder(uri("/v2/repo/blobs/uploads/"))
        .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.noBody()).build());
    transport.send(check("HEAD", "/v2/repo/blobs/sha256:abc"));
    HttpResponse<byte[]> put = transport.send(HttpRequest.newBuilder(uri("/v2/repo/manifests/v1"))
        .timeout(Duration.ofSeconds(5)).PUT(new BytesBody(manifest, counted::addAndGet)).build());

    assertThat(post.statusCode()).isEqualTo(202);
    assertThat(post.headers().firstValue("location")).contains("/v2/repo/blobs/uploads/s1");
    assertThat(put.statusCode()).isEqualTo(201);
    assertThat(counted.get()).isEqualTo(manifest.length);
    List<String> heads = requests.get(10, TimeUnit.SECONDS);
    assertThat(heads.get(0)).startsWith("POST /v2/repo/blobs/uploads/ HTTP/1.1\r\n").contains("Content-Length: 0\r\n");
    assertThat(heads.get(1)).startsWith("HEAD /v2/repo/blobs/sha256:abc HTTP/1.1\r\n");
    assertThat(heads.get(2)).startsWith("PUT /v2/repo/manifests/v1 HTTP/1.1\r\n")
        .contains("Content-Length: " + manifest.length + "\r\n").endsWith("\r\n\r\n{\"schemaVersion\":2}");
    assertThat(delegated).isEmpty();
  }

  @Test
  void checksGoOneAfterAnotherOnOneKeptConnection() throws Exception {
    CompletableFuture<List<String>> heads = serveConnections(new Connection(true,
        "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nDocker-Content-Digest: sha256:abc\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"));
    Transport transport = transport();

    HttpResponse<byte[]> head = transport.send(check("HEAD", "/v2/repo/manifests/v1"));
    HttpResponse<byte[]> get = transport.send(check("GET", "/v2/"));

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("docker-content-digest")).contains("sha256:abc");
    assertThat(head.body()).isEmpty();
    assertThat(new String(get.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
    assertThat(heads.get(10, TimeUnit.SECONDS)).hasSize(2).allSatisfy(request -> assertThat(request)
        .doesNotContainIgnoringCase("Connection:").doesNotContainIgnoringCase("Content-Length:")
        .containsIgnoringCase("accept: application/vnd.oci.image.manifest.v1+json\r\n"));
    assertThat(heads.get().get(0)).startsWith("HEAD /v2/repo/manifests/v1 HTTP/1.1\r\n");
    assertThat(delegated).isEmpty();
  }

  @Test
  void aKeptConnectionTheRegistryClosedMeanwhileIsReplacedOnce() throws Exception {
    CompletableFuture<List<String>> heads = serveConnections(
        new Connection(true, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
        new Connection(true, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
    Transport transport = transport();

    transport.send(check("HEAD", "/v2/repo/manifests/v1"));
    HttpResponse<byte[]> second = transport.send(check("HEAD", "/v2/repo/manifests/v2"));

    assertThat(second.statusCode()).isEqualTo(404);
    assertThat(heads.get(10, TimeUnit.SECONDS)).hasSize(2);
  }

  @Test
  void aConnectionTheRegistryClosesAfterItsAnswerIsNotKept() throws Exception {
    // The first connection stays open but unread: a request sent on it again would never be answered.
    CompletableFuture<List<String>> heads = serveConnections(
        new Connection(false, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"),
        new Connection(true, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
    Transport transport = transport();

    transport.send(check("HEAD", "/v2/repo/manifests/v1"));
    HttpResponse<byte[]> second = transport.send(check("HEAD", "/v2/repo/manifests/v2"));

    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(heads.get(10, TimeUnit.SECONDS)).hasSize(2);
  }

  @Test
  void aConnectionIdleTooLongIsNotUsedAgain() throws Exception {
    // As above: were the first connection used again, the second check would never be answered.
    CompletableFuture<List<String>> heads = serveConnections(
        new Connection(false, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
        new Connection(true, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
    Transport transport = transport(Duration.ofMillis(50));

    transport.send(check("HEAD", "/v2/repo/manifests/v1"));
    Thread.sleep(200);
    HttpResponse<byte[]> second = transport.send(check("HEAD", "/v2/repo/manifests/v2"));

    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(heads.get(10, TimeUnit.SECONDS)).hasSize(2);
  }

  private Transport transport() {
    return transport(IdleConnections.MAX_IDLE_TIME);
  }

  private Transport transport(Duration maxIdleTime) {
    RegistryEndpoint endpoint = RegistryEndpoint.of("127.0.0.1:" + server.getLocalPort(), false);
    return new SendfileTransport(endpoint, new Transport() {
      @Override
      public HttpResponse<byte[]> send(HttpRequest request, HttpResponse.BodyHandler<byte[]> body) {
        delegated.add(request);
        return null;
      }

      @Override
      public void close() {}
    }, maxIdleTime);
  }

  private HttpRequest check(String method, String path) {
    return HttpRequest.newBuilder(uri(path))
        .timeout(Duration.ofSeconds(5))
        .header("Accept", "application/vnd.oci.image.manifest.v1+json")
        .method(method, HttpRequest.BodyPublishers.noBody())
        .build();
  }

  private HttpRequest put(AtomicLong counted, String pathAndQuery) throws IOException {
    return HttpRequest.newBuilder(uri(pathAndQuery))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer t0ken")
        .header("Content-Type", "application/octet-stream")
        .PUT(new FileBody(file, BODY_BYTES, counted::addAndGet))
        .build();
  }

  private URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + server.getLocalPort() + pathAndQuery);
  }

  private record Received(String head, byte[] body) {}

  private interface Script {
    /** The raw answer to a request with this head; null to never answer. */
    String answer(String head);
  }

  /**
   * Accepts one connection, reads the head (and the body when {@code readBody}), writes the script's
   * answer and closes; a null answer keeps the connection open, silent, until the test ends.
   */
  private CompletableFuture<Received> serve(Script script, boolean readBody) {
    return CompletableFuture.supplyAsync(() -> {
      try (Socket socket = server.accept()) {
        InputStream in = socket.getInputStream();
        String head = readHead(in);
        byte[] body = new byte[0];
        if (readBody) {
          long length = Long.parseLong(head.replaceAll("(?s).*Content-Length: (\\d+)\r\n.*", "$1"));
          body = in.readNBytes((int) length);
        }
        String answer = script.answer(head);
        if (answer == null) {
          Thread.sleep(10_000);
          return new Received(head, body);
        }
        OutputStream out = socket.getOutputStream();
        out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return new Received(head, body);
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }, OWN_THREAD);
  }

  /** One connection's script: its answers, one per request in turn, then closed or left open and unread. */
  private record Connection(boolean closeAfter, String... answers) {}

  /** Accepts the connections one after another and plays each's script; returns every request read. */
  private CompletableFuture<List<String>> serveConnections(Connection... connections) {
    return CompletableFuture.supplyAsync(() -> {
      List<String> heads = new ArrayList<>();
      List<Socket> leftOpen = new ArrayList<>();
      try {
        for (Connection connection : connections) {
          Socket socket = server.accept();
          for (String answer : connection.answers()) {
            heads.add(readRequest(socket.getInputStream()));
            socket.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
          }
          if (connection.closeAfter()) {
            socket.close();
          } else {
            leftOpen.add(socket);
          }
        }
        return heads;
      } catch (IOException e) {
        throw new IllegalStateException(e);
      } finally {
        leftOpen.forEach(socket -> {
          try {
            socket.close();
          } catch (IOException e) {
            // the test is over
          }
        });
      }
    }, OWN_THREAD);
  }

  /** A request's head and, when it has a {@code Content-Length}, its body after it. */
  private static String readRequest(InputStream in) throws IOException {
    String head = readHead(in);
    Matcher length = Pattern.compile("(?i)content-length: (\\d+)\r\n").matcher(head);
    return length.find()
        ? head + new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.ISO_8859_1)
        : head;
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }
}
