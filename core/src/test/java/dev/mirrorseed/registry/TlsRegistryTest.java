package dev.mirrorseed.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mirrorseed.fixtures.RegistryServer;
import dev.mirrorseed.fixtures.RegistryVariant;
import dev.mirrorseed.fixtures.TestCa;
import dev.mirrorseed.fixtures.TinyProxy;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.MediaTypes;
import dev.mirrorseed.registry.auth.CredentialSource;
import dev.mirrorseed.registry.proxy.ProxyRoutes;
import dev.mirrorseed.registry.tls.TlsTrust;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real distribution registry over TLS, its certificate from a test CA for registry.mirrorseed.test
 * (127.0.0.1 by /etc/hosts): trusted the ways users trust it, and refused, with a line that says why.
 */
class TlsRegistryTest {
  @TempDir static Path certs;
  static TestCa ca;
  static TestCa otherCa;
  static RegistryServer registry;
  static String address;

  @TempDir Path dir;

  @BeforeAll
  static void startTlsRegistry() {
    ca = TestCa.create(certs.resolve("ca"), "mirrorseed test CA");
    otherCa = TestCa.create(certs.resolve("other-ca"), "some other CA");
    TestCa.Issued server = ca.issueServer("registry", TinyProxy.REGISTRY_HOST, "127.0.0.1");
    registry = RegistryServer.start(RegistryVariant.plain().withTls(server.certificate(), server.key()));
    address = TinyProxy.REGISTRY_HOST + ":" + registry.port();
  }

  @AfterAll
  static void stopRegistry() {
    registry.stop();
  }

  @Test
  void cacertTrustsTheRegistryForPingUploadAndManifests() throws IOException {
    try (RegistryClient client = client(address, new TlsTrust(ca.certificate(), null, false))) {
      String repository = "tls/" + UUID.randomUUID().toString().substring(0, 8);
      byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
      Descriptor configBlob = new Descriptor(MediaTypes.OCI_CONFIG, Digest.of(config), config.length);
      byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":"
          + "{\"mediaType\":\"" + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + configBlob.digest() + "\",\"size\":2},"
          + "\"layers\":[]}").getBytes(StandardCharsets.UTF_8);

      client.ping();
      client.uploadBlob(repository, configBlob, Files.write(dir.resolve("config.json"), config));
      client.putManifest(repository, "v1", MediaTypes.OCI_MANIFEST, manifest);

      assertThat(client.blobSize(repository, configBlob.digest())).hasValue(2);
      assertThat(client.getManifest(repository, "v1").bytes()).isEqualTo(manifest);
    }
  }

  @Test
  void certDirCrtFilesTrustTheRegistry() throws IOException {
    Path certDir = Files.createDirectories(dir.resolve("certs.d"));
    Files.copy(ca.certificate(), certDir.resolve("ca.crt"));

    try (RegistryClient client = client(address, new TlsTrust(null, certDir, false))) {
      client.ping();
    }
  }

  @Test
  void cacertWithSeveralCertificatesTrustsEachOfThem() throws IOException {
    Path bundle = dir.resolve("bundle.pem");
    Files.writeString(bundle, "# a comment, as CA bundles have\n" + Files.readString(otherCa.certificate())
        + "\nsubject=CN = mirrorseed test CA\n" + Files.readString(ca.certificate()));

    try (RegistryClient client = client(address, new TlsTrust(bundle, null, false))) {
      client.ping();
    }
  }

  @Test
  void wrongCaIsOneLineNamingTheRegistryAndTheCaFileAndIsNotRetried() throws InterruptedException {
    long requestsBefore = registry.requestsLogged();
    long handshakesBefore = registry.failedHandshakes();
    try (RegistryClient client = client(address, new TlsTrust(otherCa.certificate(), null, false))) {
      RegistryException e = catchThrowableOfType(RegistryException.class, client::ping);

      assertThat(e).isNotInstanceOf(RegistryUnreachableException.class);
      assertThat(e.retriable()).isFalse();
      assertThat(e.getMessage()).doesNotContain("\n")
          .startsWith("registry " + address + " presented a certificate not signed by --cacert "
              + otherCa.certificate() + " or the system trust store (its issuer is CN=mirrorseed test CA)")
          .endsWith(": give the CA that signed it with --cacert FILE or --cert-dir DIR");
    }
    // One handshake refused, and no request: the client neither retried nor fell back to anything.
    awaitFailedHandshakes(handshakesBefore + 1);
    assertThat(registry.failedHandshakes()).isEqualTo(handshakesBefore + 1);
    assertThat(registry.requestsLogged()).isEqualTo(requestsBefore);
  }

  /** The registry logs a refused handshake when it sees the connection close, a moment after the client gave up. */
  static void awaitFailedHandshakes(long count) throws InterruptedException {
    for (int i = 0; i < 40 && registry.failedHandshakes() < count; i++) {
      Thread.sleep(50);
    }
  }

  @Test
  void systemTrustAloneSaysSo() {
    try (RegistryClient client = client(address, TlsTrust.system())) {
      RegistryException e = catchThrowableOfType(RegistryException.class, client::ping);

      assertThat(e.getMessage()).contains("presented a certificate not signed by the system trust store");
    }
  }

  @Test
  void nameMismatchNamesTheCertificatesNamesAndTheOneUsed() {
    // proxy.mirrorseed.test is 127.0.0.1 too, but the certificate is not for it.
    String otherName = TinyProxy.HOST + ":" + registry.port();
    try (RegistryClient client = client(otherName, new TlsTrust(ca.certificate(), null, false))) {
      RegistryException e = catchThrowableOfType(RegistryException.class, client::ping);

      assertThat(e.retriable()).isFalse();
      assertThat(e.getMessage()).isEqualTo("registry " + otherName + " presented a certificate for "
          + TinyProxy.REGISTRY_HOST + ", 127.0.0.1, not for " + TinyProxy.HOST + ": use one of those names in"
          + " --private-registry, or reissue the certificate with " + TinyProxy.HOST
          + " among its subject alternative names");
    }
  }

  @Test
  void expiredCertificateSaysWhenItExpired() {
    TestCa.Issued expired = ca.issueExpiredServer("expired", TinyProxy.REGISTRY_HOST);
    RegistryServer stale = RegistryServer.start(RegistryVariant.plain().withTls(expired.certificate(), expired.key()));
    String staleAddress = TinyProxy.REGISTRY_HOST + ":" + stale.port();
    try (RegistryClient client = client(staleAddress, new TlsTrust(ca.certificate(), null, false))) {
      RegistryException e = catchThrowableOfType(RegistryException.class, client::ping);

      assertThat(e.getMessage()).startsWith("registry " + staleAddress + " presented a certificate that expired at ")
          .endsWith(": renew the registry's certificate, or check this machine's clock");
    } finally {
      stale.stop();
    }
  }

  @Test
  void insecureAcceptsAnUntrustedCertificateForAnotherName() {
    try (RegistryClient client = client(TinyProxy.HOST + ":" + registry.port(), new TlsTrust(null, null, true))) {
      client.ping();
    }
  }

  static RegistryClient client(String hostPort, TlsTrust trust) {
    return new RegistryClient(RegistryEndpoint.of(hostPort, false),
        new RegistryAccess(false, trust, CredentialSource.anonymous(), ProxyRoutes.direct(), 0));
  }
}
