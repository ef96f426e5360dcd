package dev.mirrorseed.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mirrorseed.fixtures.RegistryRequests;
import dev.mirrorseed.fixtures.RegistryServer;
import dev.mirrorseed.fixtures.Sha256;
import dev.mirrorseed.fixtures.Skopeo;
import dev.mirrorseed.fixtures.TokenIssuer;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.registry.auth.Credential;
import dev.mirrorseed.registry.auth.CredentialSource;
import dev.mirrorseed.registry.proxy.ProxyRoutes;
import dev.mirrorseed.registry.tls.TlsTrust;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real distribution registry with {@code auth: token}, whose tokens come from a test issuer
 * that counts them; the registry's access log counts what reached it.
 */
class BearerAuthTest {
  private static final String USER = "seeder";
  private static final String PASSWORD = "token-s3cret";

  @TempDir Path dir;
  private TokenIssuer issuer;
  private RegistryServer registry;
  private String repository;

  @BeforeEach
  void start() {
    issuer = TokenIssuer.start(dir, USER, PASSWORD);
    registry = RegistryServer.start(issuer.registryVariant());
    repository = "bearer/" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void stop() {
    registry.stop();
    issuer.close();
  }

  @Test
  void pushesAndPullsWithTokensFetchedOncePerScope() {
    TinyImage image = TinyImage.create(dir.resolve("image"));
    RegistryRequests requests = RegistryRequests.since(registry, "mirrorseed");
    try (RegistryClient client = client(USER, PASSWORD)) {
      client.ping();
      Digest pushed = image.pushTo(client, repository, "v1");
      byte[] pulled = client.getManifest(repository, "v1").bytes();

      assertThat(pushed).isEqualTo(image.digest());
      assertThat(pulled).isEqualTo(image.manifest());
    }
    // One token for /v2/, one to read the repository, one to write it; only the very first request is refused.
    assertThat(issuer.requests()).isEqualTo(3);
    assertThat(requests.withStatus(401)).as("%s", requests.lines()).isEqualTo(1);
    assertThat(requests.count()).isEqualTo(2 + 2 * 3 + 2);
    assertThat(Sha256.of(Skopeo.inspectRaw(registry.hostPort() + "/" + repository + ":v1", USER, PASSWORD)))
        .isEqualTo(image.digest().toString());
  }

  @Test
  void tokensAreReusedForEveryLaterRequestOnTheRepository() {
    TinyImage image = TinyImage.create(dir.resolve("image"));
    RegistryRequests requests = RegistryRequests.since(registry, "mirrorseed");
    try (RegistryClient client = client(USER, PASSWORD)) {
      client.ping();
      for (int tag = 0; tag < 10; tag++) {
        image.pushTo(client, repository, "v" + tag);
        client.getManifest(repository, "v" + tag);
      }
    }
    assertThat(requests.count()).isGreaterThan(40);
    assertThat(issuer.requests()).isEqualTo(3);
    assertThat(requests.withStatus(401)).isEqualTo(1);
  }

  @Test
  void threadsChallengedTogetherShareOneTokenFetch() throws Exception {
    int threads = 8;
    Digest absent = TinyImage.create(dir.resolve("image")).layer().digest();
    CyclicBarrier start = new CyclicBarrier(threads);
    try (RegistryClient client = client(USER, PASSWORD)) {
      List<CompletableFuture<Boolean>> heads = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        heads.add(CompletableFuture.supplyAsync(() -> {
          await(start);
          return client.blobSize(repository, absent).isEmpty();
        }, runnable -> new Thread(runnable).start()));
      }
      for (CompletableFuture<Boolean> head : heads) {
        assertThat(head.get()).isTrue();
      }
    }
    assertThat(issuer.requests()).isEqualTo(1);
  }

  @Test
  void tokenIsRenewedBeforeItExpiresWithoutARefusal() throws InterruptedException {
    issuer.issueLifetime(Duration.ofSeconds(2));
    Digest absent = TinyImage.create(dir.resolve("image")).layer().digest();
    try (RegistryClient client = client(USER, PASSWORD)) {
      client.ping();
      client.blobSize(repository, absent);
      int fetched = issuer.requests();
      RegistryRequests requests = RegistryRequests.since(registry, "mirrorseed");

      Thread.sleep(2_100);
      client.blobSize(repository, absent);

      assertThat(issuer.requests()).isEqualTo(fetched + 1);
      assertThat(requests.lines()).hasSize(1).allMatch(line -> line.contains(" 404 "));
    }
  }

  @Test
  void tokensExpiredOnArrivalFailAfterOneRenewalWithOneLine() {
    issuer.issueExpiredTokens();
    RegistryRequests requests = RegistryRequests.since(registry, "mirrorseed");
    try (RegistryClient client = client(USER, PASSWORD)) {
      RegistryException e = catchThrowableOfType(RegistryException.class, client::ping);

      assertThat(e.getMessage()).isEqualTo("registry " + registry.hostPort() + " refused the tokens of realm "
          + issuer.realm() + " for GET /v2/ (invalid_token): they are expired on arrival or not signed by a key the"
          + " registry trusts; check the clocks of both hosts and the registry's auth.token issuer, service and"
          + " rootcertbundle");
      assertThat(e.retriable()).isFalse();
    }
    assertThat(issuer.requests()).isEqualTo(2);
    assertThat(requests.lines()).hasSize(3).allMatch(line -> line.contains(" 401 "));
  }

  @Test
  void realmRefusingThePasswordIsNamedAndTheRegistryAskedOnce() {
    RegistryRequests requests = RegistryRequests.since(registry, "mirrorseed");
    try (RegistryClient client = client(USER, "wrong")) {
      RegistryException e = catchThrowableOfType(RegistryException.class, client::ping);

      assertThat(e.getMessage()).isEqualTo("token realm " + issuer.realm() + " of registry " + registry.hostPort()
          + " refused the credentials of user " + USER + ": check --username/--password or the docker config");
      assertThat(e.retriable()).isFalse();
      assertThat(e.statusCode()).isEqualTo(401);
    }
    assertThat(issuer.requests()).isEqualTo(1);
    assertThat(requests.count()).isEqualTo(1);
  }

  @Test
  void anonymousAccessRefusedByTheRealmSaysCredentialsAreNeeded() {
    try (RegistryClient client = new RegistryClient(RegistryEndpoint.of(registry.hostPort(), false),
        access(CredentialSource.anonymous()))) {
      RegistryException e = catchThrowableOfType(RegistryException.class, client::ping);

      assertThat(e.getMessage()).isEqualTo("token realm " + issuer.realm() + " of registry " + registry.hostPort()
          + " refused anonymous access: credentials are needed; give --username with --password-stdin, or a docker"
          + " config.json that has them (--docker-config)");
    }
  }

  private RegistryClient client(String user, String password) {
    return new RegistryClient(RegistryEndpoint.of(registry.hostPort(), false),
        access(CredentialSource.of(new Credential(user, password))));
  }

  private static RegistryAccess access(CredentialSource credentials) {
    return new RegistryAccess(false, TlsTrust.system(), credentials, ProxyRoutes.direct(), 0);
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
