package dev.mirrorseed.registry.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirrorseed.fixtures.TestCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --cert-dir and --cacert files that cannot work fail at once, naming the file and the fix. */
class CertDirTest {
  @TempDir static Path certs;
  static TestCa ca;
  static TestCa.Issued client;

  @TempDir Path dir;

  @BeforeAll
  static void issue() {
    ca = TestCa.create(certs.resolve("ca"), "mirrorseed test CA");
    client = ca.issueClient("client", "seeder");
  }

  @Test
  void readsCasAndAClientPair() throws IOException {
    Files.copy(ca.certificate(), dir.resolve("ca.crt"));
    Files.copy(client.certificate(), dir.resolve("seeder.cert"));
    Files.copy(client.key(), dir.resolve("seeder.key"));

    RegistryTls tls = RegistryTls.of(new TlsTrust(null, dir, false));

    assertThat(tls.clientCertificates()).containsExactly(dir.resolve("seeder.cert"));
    assertThat(tls.trustedBy()).isEqualTo("--cert-dir " + dir + " or the system trust store");
  }

  @Test
  void aCertWithoutItsKeyIsAnError() throws IOException {
    Files.copy(client.certificate(), dir.resolve("seeder.cert"));

    assertThatThrownBy(() -> RegistryTls.of(new TlsTrust(null, dir, false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--cert-dir " + dir + ": client certificate seeder.cert has no seeder.key beside it:"
            + " add its key, or name a CA certificate *.crt");
  }

  @Test
  void aKeyWithoutItsCertIsAnError() throws IOException {
    Files.copy(client.key(), dir.resolve("seeder.key"));

    assertThatThrownBy(() -> RegistryTls.of(new TlsTrust(null, dir, false)))
        .hasMessage("--cert-dir " + dir + ": key seeder.key has no seeder.cert beside it: add the client"
            + " certificate it belongs to, or remove the key");
  }

  @Test
  void aKeyOfAnotherCertificateIsAnError() throws IOException {
    TestCa.Issued other = ca.issueClient("other", "someone else");
    Files.copy(client.certificate(), dir.resolve("seeder.cert"));
    Files.copy(other.key(), dir.resolve("seeder.key"));

    assertThatThrownBy(() -> RegistryTls.of(new TlsTrust(null, dir, false)))
        .hasMessage("--cert-dir " + dir + ": seeder.key is not the key of seeder.cert: put the key the"
            + " certificate was issued for beside it");
  }

  @Test
  void anEncryptedKeyIsAnError() throws IOException {
    Files.copy(client.certificate(), dir.resolve("seeder.cert"));
    Files.writeString(dir.resolve("seeder.key"), "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n"
        + "-----END ENCRYPTED PRIVATE KEY-----\n");

    assertThatThrownBy(() -> RegistryTls.of(new TlsTrust(null, dir, false)))
        .hasMessageStartingWith("--cert-dir " + dir + ": seeder.key is encrypted: decrypt it first");
  }

  @Test
  void aCacertWithoutCertificatesIsAnError() throws IOException {
    Path notACert = Files.writeString(dir.resolve("ca.crt"), "hello\n");

    assertThatThrownBy(() -> RegistryTls.of(new TlsTrust(notACert, null, false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--cacert " + notACert + " holds no certificate: give PEM (-----BEGIN CERTIFICATE-----)"
            + " or DER X.509 certificates");
  }

  @Test
  void aCacertInDerFormIsRead() throws Exception {
    Path der = dir.resolve("ca.der");
    Files.write(der, Pem.certificates(ca.certificate(), "ca").get(0).getEncoded());

    assertThat(RegistryTls.of(new TlsTrust(der, null, false)).trustedBy())
        .isEqualTo("--cacert " + der + " or the system trust store");
  }
}
