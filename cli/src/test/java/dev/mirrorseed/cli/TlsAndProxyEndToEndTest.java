package dev.mirrorseed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.TestKafka;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.GeneratedBundle;
import dev.mirrorseed.fixtures.GeneratedImage;
import dev.mirrorseed.fixtures.RegistryServer;
import dev.mirrorseed.fixtures.RegistryVariant;
import dev.mirrorseed.fixtures.Sha256;
import dev.mirrorseed.fixtures.Skopeo;
import dev.mirrorseed.fixtures.TestCa;
import dev.mirrorseed.fixtures.TinyProxy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mirrorseed push} into a real TLS registry, by host name, on a real Kafka broker: trusted with
 * --cacert, refused after one handshake with the wrong CA, and through a real tinyproxy that wants
 * Basic credentials. skopeo, trusting the same CA, checks what landed.
 */
class TlsAndProxyEndToEndTest {
  private static final long MB = 1_000_000;
  private static final String PROXY_USER = "seeder";
  private static final String PROXY_PASSWORD = "pr0xy-S3cret";

  @TempDir static Path shared;
  static GeneratedBundle bundle;
  static TestCa ca;
  static Path skopeoCertDir;
  static RegistryServer registry;
  static String address;

  @BeforeAll
  static void startTlsRegistry() throws IOException {
    bundle = BundleGenerator.generate(BundleSpec.of(3, 3 * MB), shared.resolve("bundle"));
    ca = TestCa.create(shared.resolve("ca"), "mirrorseed test CA");
    TestCa.Issued server = ca.issueServer("registry", TinyProxy.REGISTRY_HOST, "127.0.0.1");
    registry = RegistryServer.start(RegistryVariant.plain().withTls(server.certificate(), server.key()));
    address = TinyProxy.REGISTRY_HOST + ":" + registry.port();
    skopeoCertDir = Files.createDirectories(shared.resolve("skopeo-certs"));
    Files.copy(ca.certificate(), skopeoCertDir.resolve("ca.crt"));
  }

  @AfterAll
  static void stopRegistry() {
    registry.stop();
  }

  @Test
  void pushesToATlsRegistryTrustedByCacert(@TempDir Path work) {
    String target = address + "/" + uniqueNamespace();

    CliRun run = CliRun.of(push(target, work, "--cacert", ca.certificate().toString()));

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("3 pushed, 3 verified, 0 failed");
    assertEveryImageOnTheRegistry(target);
  }

  @Test
  void aCacertMeansHttpsEvenToARegistryOnLoopback(@TempDir Path work) {
    String target = "127.0.0.1:" + registry.port() + "/" + uniqueNamespace();

    CliRun run = CliRun.of(push(target, work, "--cacert", ca.certificate().toString()));

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("3 pushed, 3 verified, 0 failed");
    assertEveryImageOnTheRegistry(target);
  }

  @Test
  void pushesWithAClientCertificateFromACertDirToARegistryThatDemandsOne(@TempDir Path work) throws IOException {
    TestCa.Issued server = ca.issueServer("mtls-registry", TinyProxy.REGISTRY_HOST);
    TestCa.Issued client = ca.issueClient("seeder", "seeder");
    RegistryServer mutual = RegistryServer.start(
        RegistryVariant.plain().withMutualTls(server.certificate(), server.key(), ca.certificate()));
    try {
      // containerd's and skopeo's certs.d layout: CA as *.crt, the client pair as *.cert + *.key.
      Path certDir = Files.createDirectories(work.resolve("certs.d"));
      Files.copy(ca.certificate(), certDir.resolve("ca.crt"));
      Files.copy(client.certificate(), certDir.resolve("client.cert"));
      Files.copy(client.key(), certDir.resolve("client.key"));
      String target = TinyProxy.REGISTRY_HOST + ":" + mutual.port() + "/" + uniqueNamespace();

      CliRun run = CliRun.of(push(target, work, "--cert-dir", certDir.toString()));

      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(run.out()).contains("3 pushed, 3 verified, 0 failed");
      for (GeneratedImage image : bundle.images()) {
        String mirrored = target + "/" + image.reference().substring(image.reference().indexOf('/') + 1);
        assertThat(Sha256.of(Skopeo.inspectRaw(mirrored, certDir))).isEqualTo(image.manifestDigest());
      }
    } finally {
      mutual.stop();
    }
  }

  @Test
  void insecureSkipsVerificationAndSaysSo(@TempDir Path work) {
    String target = address + "/" + uniqueNamespace();

    CliRun run = CliRun.of(push(target, work, "--insecure"));

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.err()).contains("warning: --insecure");
    assertEveryImageOnTheRegistry(target);
  }

  @Test
  void aWrongCaFailsAtOnceInOneLineAfterAtMostTwoAttempts(@TempDir Path work) throws InterruptedException {
    TestCa otherCa = TestCa.create(work.resolve("other-ca"), "some other CA");
    long requestsBefore = registry.requestsLogged();
    long handshakesBefore = registry.failedHandshakes();

    CliRun run = CliRun.of(push(address + "/" + uniqueNamespace(), work, "--cacert",
        otherCa.certificate().toString()));

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.err().strip()).isEqualTo("mirrorseed: registry " + address + " presented a certificate not"
        + " signed by --cacert " + otherCa.certificate() + " or the system trust store (its issuer is"
        + " CN=mirrorseed test CA): give the CA that signed it with --cacert FILE or --cert-dir DIR");
    for (int i = 0; i < 40 && registry.failedHandshakes() == handshakesBefore; i++) {
      Thread.sleep(50);
    }
    long attempts = registry.failedHandshakes() - handshakesBefore + registry.requestsLogged() - requestsBefore;
    assertThat(attempts).isBetween(1L, 2L);
    assertThat(registry.requestsLogged()).isEqualTo(requestsBefore);
  }

  @Test
  void pushesThroughAProxyThatWantsBasicCredentials(@TempDir Path work) {
    TinyProxy proxy = TinyProxy.start(PROXY_USER, PROXY_PASSWORD, registry.port());
    String target = address + "/" + uniqueNamespace();
    try {
      CliRun run = CliProcess.run(work.resolve("cli"), Map.of("HTTPS_PROXY", proxy.url(PROXY_USER, PROXY_PASSWORD)),
          push(target, work, "--cacert", ca.certificate().toString()));

      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(run.out()).contains("3 pushed, 3 verified, 0 failed");
      assertThat(run.out() + run.err()).doesNotContain(PROXY_PASSWORD);
      assertThat(proxy.connectTargets()).isNotEmpty().allMatch(address::equals);
      assertEveryImageOnTheRegistry(target);
    } finally {
      proxy.stop();
    }
  }

  @Test
  void aWrongProxyPasswordFailsInOneLineWithoutShowingIt(@TempDir Path work) {
    TinyProxy proxy = TinyProxy.start(PROXY_USER, PROXY_PASSWORD, registry.port());
    try {
      CliRun run = CliProcess.run(work.resolve("cli"), Map.of("HTTPS_PROXY", proxy.url(PROXY_USER, "wrong-pass")),
          push(address + "/" + uniqueNamespace(), work, "--cacert", ca.certificate().toString()));

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
      assertThat(run.err().strip().lines()).hasSize(1);
      // tinyproxy answers wrong credentials with 401 where RFC 9110 says 407; the line names either.
      assertThat(run.err().strip()).startsWith("mirrorseed: proxy http://" + TinyProxy.HOST + ":" + proxy.port()
          + " (HTTPS_PROXY) refused our credentials (")
          .endsWith(") for registry " + address + ": check the user and password in HTTPS_PROXY")
          .doesNotContain("wrong-pass");
      assertThat(proxy.connectTargets()).isNotEmpty();
    } finally {
      proxy.stop();
    }
  }

  private static String[] push(String target, Path work, String... extra) {
    List<String> args = new ArrayList<>(List.of("push", "--source", bundle.layout().toString(),
        "--private-registry", target, "--bootstrap-servers", TestKafka.bootstrapServers(),
        "--workspace", work.resolve("workspace").toString()));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  /** skopeo, trusting the test CA through its own --cert-dir, reads each tag's manifest digest. */
  private static void assertEveryImageOnTheRegistry(String target) {
    for (GeneratedImage image : bundle.images()) {
      String mirrored = target + "/" + image.reference().substring(image.reference().indexOf('/') + 1);
      assertThat(Sha256.of(Skopeo.inspectRaw(mirrored, skopeoCertDir))).as(mirrored)
          .isEqualTo(image.manifestDigest());
    }
  }

  private static String uniqueNamespace() {
    return "tls" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
  }
}
