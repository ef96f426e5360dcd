package dev.mirrorseed.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mirrorseed.fixtures.Htpasswd;
import dev.mirrorseed.fixtures.RegistryRequests;
import dev.mirrorseed.fixtures.RegistryServer;
import dev.mirrorseed.fixtures.RegistryVariant;
import dev.mirrorseed.registry.auth.Credential;
import dev.mirrorseed.registry.auth.CredentialSource;
import dev.mirrorseed.registry.proxy.ProxyRoutes;
import dev.mirrorseed.registry.tls.TlsTrust;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real distribution registry that wants an htpasswd user; its own access log counts our requests. */
class BasicAuthTest {
  private static final String USER = "seeder";
  private static final String PASSWORD = "basic-s3cret";
  @TempDir static Path dir;
  static RegistryServer registry;

  @BeforeAll
  static void startRegistry() {
    registry = RegistryServer.start(RegistryVariant.plain().withHtpasswd(Htpasswd.write(dir.resolve("htpasswd"), USER, PASSWORD)));
  }

  @AfterAll
  static void stopRegistry() {
    registry.stop();
  }

  @Test
  void pushesAndPullsWithTheRightPassword() {
    String repository = "basic/" + UUID.randomUUID().toString().substring(0, 8);
    TinyImage image = TinyImage.create(dir.resolve(repository));
    try (RegistryClient client = client(CredentialSource.of(new Credential(USER, PASSWORD)))) {
      RegistryRequests requests = RegistryRequests.since(registry, "mirrorseed");

      client.ping();
      assertThat(image.pushTo(client, repository, "v1")).isEqualTo(image.digest());
      assertThat(client.getManifest(repository, "v1").bytes()).isEqualTo(image.manifest());

      // Basic goes out up front once the registry asked for it: only the ping's first request is refused.
      assertThat(requests.withStatus(401)).as("%s", requests.lines()).isEqualTo(1);
      // GET /v2/ twice; HEAD, POST, PUT per blob; PUT and GET of the manifest.
      assertThat(requests.count()).as("%s", requests.lines()).isEqualTo(2 + 2 * 3 + 2);
    }
  }

  @Test
  void wrongPasswordFailsThePingAfterTwoRequestsAndIsNotRetriable() {
    AtomicInteger lookups = new AtomicInteger();
    CredentialSource wrong = registry -> {
      lookups.incrementAndGet();
      return Optional.of(new Credential(USER, "not-the-password"));
    };
    try (RegistryClient client = client(wrong)) {
      RegistryRequests requests = RegistryRequests.since(registry, "mirrorseed");

      RegistryException e = catchThrowableOfType(RegistryException.class, client::ping);

      assertThat(e.getMessage()).isEqualTo("registry " + registry.hostPort() + " refused the credentials of user "
          + USER + ": check --username/--password or the docker config");
      assertThat(e.retriable()).isFalse();
      assertThat(e.statusCode()).isEqualTo(401);
      assertThat(requests.lines()).hasSize(2).allMatch(line -> line.contains("\"GET /v2/ HTTP/1.1\" 401 "));
      assertThat(lookups).hasValue(1);
    }
  }

  @Test
  void missingCredentialsFailThePingSayingHowToGiveThem() {
    try (RegistryClient client = client(CredentialSource.anonymous())) {
      RegistryRequests requests = RegistryRequests.since(registry, "mirrorseed");

      RegistryException e = catchThrowableOfType(RegistryException.class, client::ping);

      assertThat(e.getMessage()).isEqualTo("registry " + registry.hostPort() + " needs credentials (GET /v2/ answered"
          + " 401) and none were found: give --username with --password-stdin, or a docker config.json that has them"
          + " (--docker-config)");
      assertThat(e.retriable()).isFalse();
      assertThat(requests.count()).isEqualTo(1);
    }
  }

  private static RegistryClient client(CredentialSource credentials) {
    return new RegistryClient(RegistryEndpoint.of(registry.hostPort(), false),
        new RegistryAccess(false, TlsTrust.system(), credentials, ProxyRoutes.direct(), 0));
  }
}
