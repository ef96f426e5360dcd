package dev.mirrorseed.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.MediaTypes;
import dev.mirrorseed.registry.auth.Credential;
import dev.mirrorseed.registry.auth.CredentialSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A registry that serves reads from elsewhere (object storage, a CDN) redirects them: the read follows
 * the redirect, and the registry's credentials stay with the registry.
 */
class RedirectsTest {
  private static final String MANIFEST = "{\"schemaVersion\":2}";
  private static final Credential USER = new Credential("seeder", "s3cret");

  private HttpServer registry;
  private HttpServer storage;
  private final List<String> authorizationSeenByStorage = new CopyOnWriteArrayList<>();
  private final List<String> authorizationSeenByRegistry = new CopyOnWriteArrayList<>();
  private RegistryClient client;

  @BeforeEach
  void start() throws IOException {
    storage = server();
    storage.createContext("/bucket/", exchange -> {
      authorizationSeenByStorage.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
      exchange.getResponseHeaders().add("Content-Type", MediaTypes.OCI_MANIFEST);
      respond(exchange, 200, MANIFEST);
    });
    registry = server();
    registry.createContext("/v2/", exchange -> {
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      authorizationSeenByRegistry.add(String.valueOf(authorization));
      if (authorization == null) {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"test\"");
        respond(exchange, 401, "");
      } else if (exchange.getRequestURI().getPath().endsWith("/manifests/elsewhere")) {
        exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + storage.getAddress().getPort()
            + "/bucket/object?X-Signature=abc");
        respond(exchange, 307, "");
      } else if (exchange.getRequestURI().getPath().contains("/blobs/")) {
        exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + storage.getAddress().getPort()
            + "/bucket/blob?X-Signature=abc");
        respond(exchange, 307, "");
      } else if (exchange.getRequestURI().getPath().endsWith("/manifests/moved")) {
        exchange.getResponseHeaders().add("Location", "/v2/repo/manifests/here");
        respond(exchange, 307, "");
      } else {
        exchange.getResponseHeaders().add("Content-Type", MediaTypes.OCI_MANIFEST);
        respond(exchange, 200, MANIFEST);
      }
    });
    RegistryAccess defaults = RegistryAccess.defaults();
    client = new RegistryClient(RegistryEndpoint.of("127.0.0.1:" + registry.getAddress().getPort(), false),
        new RegistryAccess(false, defaults.tls(), CredentialSource.of(USER), defaults.proxy(), 0));
  }

  @AfterEach
  void stop() {
    client.close();
    registry.stop(0);
    storage.stop(0);
  }

  @Test
  void aReadRedirectedToAnotherHostArrivesWithoutTheRegistrysCredentials() {
    FetchedManifest manifest = client.getManifest("repo", "elsewhere");

    assertThat(new String(manifest.bytes(), StandardCharsets.UTF_8)).isEqualTo(MANIFEST);
    assertThat(authorizationSeenByStorage).containsExactly("null");
  }

  @Test
  void aBlobFetchedFromStorageElsewhereIsHashedThereWithoutTheRegistrysCredentials() {
    byte[] served = MANIFEST.getBytes(StandardCharsets.UTF_8);
    Descriptor blob = new Descriptor(MediaTypes.OCI_LAYER_TAR, Digest.of(served), served.length);

    assertThat(client.fetchBlob("repo", blob)).hasValue(new FetchedBlob(Digest.of(served), served.length));
    assertThat(authorizationSeenByStorage).containsExactly("null");
  }

  @Test
  void aRedirectWithinTheRegistryKeepsTheCredentials() {
    client.getManifest("repo", "moved");

    assertThat(authorizationSeenByRegistry).containsExactly(
        "null", USER.basicAuthorization(), USER.basicAuthorization());
  }

  private static HttpServer server() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.start();
    return server;
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
