package dev.mirrorseed.registry;

import static dev.mirrorseed.registry.TlsRegistryTest.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mirrorseed.fixtures.RegistryServer;
import dev.mirrorseed.fixtures.RegistryVariant;
import dev.mirrorseed.fixtures.TestCa;
import dev.mirrorseed.fixtures.TinyProxy;
import dev.mirrorseed.registry.tls.ClientCertificateProbe;
import dev.mirrorseed.registry.tls.RegistryTls;
import dev.mirrorseed.registry.tls.TlsTrust;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A registry that demands a client certificate: shown from a --cert-dir in each key form, or refused clearly. */
class MutualTlsTest {
  @TempDir static Path certs;
  static TestCa ca;
  static RegistryServer registry;
  static String address;

  @TempDir Path dir;

  @BeforeAll
  static void startMutualTlsRegistry() {
    ca = TestCa.create(certs.resolve("ca"), "mirrorseed test CA");
    TestCa.Issued server = ca.issueServer("registry", TinyProxy.REGISTRY_HOST);
    registry = RegistryServer.start(
        RegistryVariant.plain().withMutualTls(server.certificate(), server.key(), ca.certificate()));
    address = TinyProxy.REGISTRY_HOST + ":" + registry.port();
  }

  @AfterAll
  static void stopRegistry() {
    registry.stop();
  }

  @Test
  void clientCertificateWithPkcs8KeyFromCertDirIsAccepted() throws IOException {
    TestCa.Issued client = ca.issueClient("pkcs8-client", "seeder");

    pingWith(certDir(client.certificate(), client.key()));
  }

  @Test
  void clientCertificateWithPkcs1RsaKeyIsAccepted() throws IOException {
    TestCa.Issued client = ca.issueClient("pkcs1-client", "seeder");
    Path pkcs1 = ca.writePkcs1Key(client, certs.resolve("pkcs1-client.rsa.key"));
    assertThat(Files.readString(pkcs1)).contains("BEGIN RSA PRIVATE KEY");

    pingWith(certDir(client.certificate(), pkcs1));
  }

  @Test
  void clientCertificateWithSec1EcKeyIsAccepted() throws IOException {
    TestCa.Issued client = ca.issueEcClient("ec-client", "seeder");
    assertThat(Files.readString(client.key())).contains("BEGIN EC PRIVATE KEY");

    pingWith(certDir(client.certificate(), client.key()));
  }

  @Test
  void withoutAClientCertificateTheRegistryRefusesAndTheMessageSaysWhatToAdd() throws Exception {
    long handshakesBefore = settledFailedHandshakes();
    Path onlyCa = Files.createDirectories(dir.resolve("ca-only"));
    Files.copy(ca.certificate(), onlyCa.resolve("ca.crt"));

    try (RegistryClient client = client(address, new TlsTrust(null, onlyCa, false))) {
      RegistryException e = catchThrowableOfType(RegistryException.class, client::ping);

      assertThat(e.retriable()).isFalse();
      assertThat(e.getMessage()).doesNotContain("\n")
          .startsWith("registry " + address + " wants a client certificate (mutual TLS; it sent ")
          .endsWith("and none was given: put the client's NAME.cert and NAME.key in a --cert-dir");
    }
    for (int i = 0; i < 40 && registry.failedHandshakes() <= handshakesBefore; i++) {
      Thread.sleep(50);
    }
    // Not retried as a registry error would be. The refusal reaches the ping as a TLS alert (one
    // handshake), or as a reset that the probe then reads (two); or as the connection closing before
    // any response byte, which the JDK's client takes for an expired connection and retries once on its
    // own for a GET (three: seen in 1 of 6 runs of this class).
    assertThat(registry.failedHandshakes() - handshakesBefore).isBetween(1L, 3L);
  }

  /**
   * The registry's count of failed handshakes once it has stayed the same for 200 ms. The other tests
   * of this class fail handshakes on this registry too; one of theirs logged late would count as this
   * test's.
   */
  private static long settledFailedHandshakes() throws InterruptedException {
    long count = registry.failedHandshakes();
    for (int unchanged = 0, looks = 0; unchanged < 4 && looks < 40; looks++) {
      Thread.sleep(50);
      long now = registry.failedHandshakes();
      unchanged = now == count ? unchanged + 1 : 0;
      count = now;
    }
    return count;
  }

  @Test
  void aClientCertificateFromAnotherCaIsRefusedNamingIt() throws IOException {
    TestCa stranger = TestCa.create(certs.resolve("stranger-ca"), "stranger CA");
    TestCa.Issued client = stranger.issueClient("stranger-client", "seeder");
    Path certDir = certDir(client.certificate(), client.key());

    try (RegistryClient registryClient = client(address, new TlsTrust(null, certDir, false))) {
      RegistryException e = catchThrowableOfType(RegistryException.class, registryClient::ping);

      assertThat(e.retriable()).isFalse();
      assertThat(e.getMessage()).startsWith("registry " + address + " refused the client certificate "
          + certDir.resolve("client.cert")).endsWith("use one issued by a CA the registry trusts for clients");
    }
  }

  @Test
  void theProbeReadsTheRefusalThatARequestCanMissAndNothingForAnAcceptedCertificate() throws IOException {
    // What a request that broke off falls back on: with TLS 1.3 the refusal can race the request.
    TestCa.Issued stranger = TestCa.create(certs.resolve("probe-stranger-ca"), "probe stranger CA")
        .issueClient("probe-stranger", "seeder");
    TestCa.Issued trusted = ca.issueClient("probe-trusted", "seeder");
    URI registryUri = URI.create("https://" + address);

    RegistryTls refused = RegistryTls.of(new TlsTrust(null, certDir(stranger.certificate(), stranger.key()), false));
    assertThat(ClientCertificateProbe.refusal(refused, registryUri))
        .hasValueSatisfying(e -> assertThat(e.getMessage()).contains("Received fatal alert"));

    RegistryTls accepted = RegistryTls.of(new TlsTrust(null, certDir(trusted.certificate(), trusted.key(), "ok"), false));
    assertThat(ClientCertificateProbe.refusal(accepted, registryUri)).isEmpty();
  }

  private void pingWith(Path certDir) {
    try (RegistryClient client = client(address, new TlsTrust(null, certDir, false))) {
      client.ping();
    }
  }

  /** certs.d as docker and skopeo read it: the CA as ca.crt, the client pair as client.cert + client.key. */
  private Path certDir(Path certificate, Path key) throws IOException {
    return certDir(certificate, key, "certs.d");
  }

  private Path certDir(Path certificate, Path key, String name) throws IOException {
    Path certDir = Files.createDirectories(dir.resolve(name));
    Files.copy(ca.certificate(), certDir.resolve("ca.crt"));
    Files.copy(certificate, certDir.resolve("client.cert"));
    Files.copy(key, certDir.resolve("client.key"));
    return certDir;
  }
}
