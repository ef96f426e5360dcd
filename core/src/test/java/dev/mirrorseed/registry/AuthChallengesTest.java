package dev.mirrorseed.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.MediaTypes;
import dev.mirrorseed.registry.auth.Credential;
import dev.mirrorseed.registry.auth.CredentialSource;
import dev.mirrorseed.registry.proxy.ProxyRoutes;
import dev.mirrorseed.registry.tls.TlsTrust;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Challenges distribution never sends but other registries do, from a scripted in-process server. */
class AuthChallengesTest {
  private static final Credential USER = new Credential("seeder", "pw");
  private HttpServer server;
  private RegistryClient client;
  private final List<String> bodies = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.start();
    client = new RegistryClient(RegistryEndpoint.of("127.0.0.1:" + server.getAddress().getPort(), false),
        new RegistryAccess(false, TlsTrust.system(), CredentialSource.of(USER), ProxyRoutes.direct(), 0));
  }

  @AfterEach
  void stop() {
    client.close();
    server.stop(0);
  }

  @Test
  void writeChallengedForBasicIsSentAgainWithItsWholeBody() {
    byte[] manifest = "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8);
    server.createContext("/v2/repo/manifests/", exchange -> {
      bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      if (exchange.getRequestHeaders().getFirst("Authorization") == null) {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Negotiate, Basic realm=\"scripted\"");
        respond(exchange, 401, "");
      } else {
        respond(exchange, 201, "");
      }
    });

    Digest pushed = client.putManifest("repo", "v1", MediaTypes.OCI_MANIFEST, manifest);

    assertThat(pushed).isEqualTo(Digest.of(manifest));
    assertThat(bodies).containsExactly("{\"schemaVersion\":2}", "{\"schemaVersion\":2}");
  }

  @Test
  void challengeInASchemeWeDoNotSpeakIsExplained() {
    server.createContext("/v2/", exchange -> {
      exchange.getResponseHeaders().add("WWW-Authenticate", "Negotiate");
      respond(exchange, 401, "");
    });

    RegistryException e = catchThrowableOfType(RegistryException.class, client::ping);

    assertThat(e.getMessage()).isEqualTo("registry " + client.endpoint().hostPort() + " answered GET /v2/ with 401:"
        + " the registry asks for negotiate authentication, which mirrorseed does not speak (only Basic and Bearer"
        + " tokens); put a registry or proxy that does in front of it");
  }

  @Test
  void realmAnsweringWithoutATokenIsNamed() {
    String realm = "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    server.createContext("/v2/", exchange -> {
      exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"s\"");
      respond(exchange, 401, "");
    });
    server.createContext("/token", exchange -> respond(exchange, 200, "{\"expires_in\":60}"));

    RegistryException e = catchThrowableOfType(RegistryException.class, client::ping);

    assertThat(e.getMessage()).isEqualTo("token realm " + realm + " of registry " + client.endpoint().hostPort()
        + " gave no usable token (its answer holds neither 'token' nor 'access_token'): check that auth.token.realm"
        + " points at a token service");
  }

  @Test
  void forbiddenNamesTheUserWhoWasRefused() {
    server.createContext("/v2/repo/manifests/", exchange -> {
      if (exchange.getRequestHeaders().getFirst("Authorization") == null) {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"scripted\"");
        respond(exchange, 401, "");
      } else {
        respond(exchange, 403, "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"requested access to the resource is denied\"}]}");
      }
    });

    RegistryException e = catchThrowableOfType(RegistryException.class, () -> client.getManifest("repo", "v1"));

    assertThat(e.statusCode()).isEqualTo(403);
    assertThat(e.retriable()).isFalse();
    assertThat(e.getMessage()).endsWith("with 403 (DENIED: requested access to the resource is denied): the registry"
        + " refuses this to user seeder; check that it may push to and pull from this repository");
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
