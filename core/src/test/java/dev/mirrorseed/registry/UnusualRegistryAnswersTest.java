package dev.mirrorseed.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.MediaTypes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Answers the distribution registry never gives but others do (relative Locations, 401, 429 with
 * Retry-After, an HTML error page from a proxy), from a scripted in-process HTTP server.
 */
class UnusualRegistryAnswersTest {
  private static final byte[] CONTENT = "blob".getBytes(StandardCharsets.UTF_8);
  private static final Descriptor BLOB = new Descriptor(MediaTypes.OCI_LAYER_TAR, Digest.of(CONTENT), CONTENT.length);

  @TempDir Path dir;
  private HttpServer server;
  private RegistryClient client;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile String location;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.createContext("/v2/repo/blobs/uploads/", exchange -> {
      requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath()
          + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
      exchange.getRequestBody().readAllBytes();
      if (exchange.getRequestMethod().equals("POST")) {
        exchange.getResponseHeaders().add("Location", location);
        respond(exchange, 202, "");
      } else {
        respond(exchange, 201, "");
      }
    });
    server.start();
    client = new RegistryClient(RegistryEndpoint.of("127.0.0.1:" + server.getAddress().getPort(), false));
  }

  @AfterEach
  void stop() {
    client.close();
    server.stop(0);
  }

  @Test
  void relativeLocationWithQueryGetsDigestAppended() throws IOException {
    location = "/v2/repo/blobs/uploads/session-1?_state=abc%3D";

    client.uploadBlob("repo", BLOB, Files.write(dir.resolve("blob"), CONTENT));

    assertThat(requests).containsExactly("POST /v2/repo/blobs/uploads/",
        "PUT /v2/repo/blobs/uploads/session-1?_state=abc%3D&digest="
            + URLEncoder.encode(BLOB.digest().toString(), StandardCharsets.UTF_8));
  }

  @Test
  void absoluteLocationWithoutQueryGetsDigestAsQuery() throws IOException {
    location = "http://127.0.0.1:" + server.getAddress().getPort() + "/v2/repo/blobs/uploads/session-2";

    client.uploadBlob("repo", BLOB, Files.write(dir.resolve("blob"), CONTENT));

    assertThat(requests).last().isEqualTo("PUT /v2/repo/blobs/uploads/session-2?digest=sha256%3A" + BLOB.digest().hex());
  }

  @Test
  void unauthorizedSaysCredentialsAreNeeded() {
    script("/v2/repo/manifests/", 401,
        "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\",\"detail\":null}]}");

    RegistryException e = catchThrowableOfType(RegistryException.class, () -> client.getManifest("repo", "latest"));

    assertThat(e.statusCode()).isEqualTo(401);
    assertThat(e.retriable()).isFalse();
    assertThat(e.getMessage()).contains("GET /v2/repo/manifests/latest with 401 (UNAUTHORIZED: authentication required)",
        "credentials are needed");
  }

  @Test
  void rateLimitIsRetriableAndCarriesRetryAfter() {
    server.createContext("/v2/repo/manifests/", exchange -> {
      exchange.getResponseHeaders().add("Retry-After", "7");
      respond(exchange, 429, "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow\\ndown\"}]}");
    });

    RegistryException e = catchThrowableOfType(RegistryException.class, () -> client.getManifest("repo", "latest"));

    assertThat(e.retriable()).isTrue();
    assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(7));
    assertThat(e.getMessage()).contains("TOOMANYREQUESTS: slow down", "rate limiting").doesNotContain("\n");
  }

  @Test
  void proxyErrorPageStillGivesStatusAndFix() {
    script("/v2/", 502, "<html><body><h1>502 Bad Gateway</h1></body></html>");

    RegistryException e = catchThrowableOfType(RegistryException.class, client::ping);

    assertThat(e.retriable()).isTrue();
    assertThat(e.errorCode()).isEmpty();
    assertThat(e.getMessage()).isEqualTo("registry " + client.endpoint().hostPort()
        + " answered GET /v2/ with 502: the registry failed; retrying may help, check its log if it keeps happening");
  }

  private void script(String path, int status, String body) {
    server.createContext(path, exchange -> respond(exchange, status, body));
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
