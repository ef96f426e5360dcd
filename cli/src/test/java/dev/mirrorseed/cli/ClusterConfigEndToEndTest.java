package dev.mirrorseed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.TestKafka;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.GeneratedBundle;
import dev.mirrorseed.fixtures.GeneratedImage;
import dev.mirrorseed.fixtures.Htpasswd;
import dev.mirrorseed.fixtures.RegistryServer;
import dev.mirrorseed.fixtures.RegistryVariant;
import dev.mirrorseed.fixtures.Sha256;
import dev.mirrorseed.fixtures.Skopeo;
import dev.mirrorseed.fixtures.TestCa;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code push --cluster-config}: the mirror bmctl's cluster config names is the target, on a real
 * Kafka broker and a real registry, checked with skopeo; and each wrong use is one line, exit 2.
 */
class ClusterConfigEndToEndTest {
  @TempDir static Path shared;
  static GeneratedBundle bundle;

  @BeforeAll
  static void generateBundle() {
    bundle = BundleGenerator.generate(BundleSpec.of(3, 3_000_000), shared.resolve("bundle"));
  }

  @Test
  void pushesEveryImageUnderTheNamespaceOfTheClusterConfigsMirror(@TempDir Path work) throws IOException {
    String registry = RegistryServer.shared().hostPort();
    String namespace = "cc" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    Path config = clusterConfig(work, "http://" + registry + "/v2/" + namespace);

    CliRun run = CliRun.of("push", "--source", bundle.layout().toString(), "--cluster-config", config.toString(),
        "--bootstrap-servers", TestKafka.bootstrapServers(), "--workspace", work.resolve("ws").toString());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("mirror " + registry + "/" + namespace + ": http://" + registry)
        .contains("3 pushed, 3 verified, 0 failed");
    for (GeneratedImage image : bundle.images()) {
      String mirrored = registry + "/" + namespace + "/" + image.reference().substring("gcr.io/".length());
      assertThat(Sha256.of(Skopeo.inspectRaw(mirrored))).as(mirrored).isEqualTo(image.manifestDigest());
    }
  }

  @Test
  void takesTheCaAndTheCredentialsFromTheMirrorEntry(@TempDir Path work) throws IOException {
    TestCa ca = TestCa.create(work.resolve("ca"), "cluster config test CA");
    TestCa.Issued certificate = ca.issueServer("registry", "127.0.0.1");
    RegistryServer registry = RegistryServer.start(RegistryVariant.plain()
        .withTls(certificate.certificate(), certificate.key())
        .withHtpasswd(Htpasswd.write(work.resolve("htpasswd"), "seeder", "cluster-pass")));
    try {
      String auth = Base64.getEncoder().encodeToString("seeder:cluster-pass".getBytes(StandardCharsets.UTF_8));
      Files.writeString(work.resolve("config.json"),
          "{\"auths\":{\"" + registry.hostPort() + "\":{\"auth\":\"" + auth + "\"}}}");
      Files.copy(ca.certificate(), work.resolve("mirror-ca.crt"));
      // Relative paths, as bmctl users write them next to the cluster config.
      Path config = clusterConfig(work, "https://" + registry.hostPort() + "/v2/secure-ns"
          + "\n    caCertPath: mirror-ca.crt\n    pullCredentialConfigPath: config.json");

      CliRun run = CliRun.of("push", "--source", bundle.layout().toString(), "--cluster-config",
          config.toString(), "--bootstrap-servers", TestKafka.bootstrapServers(),
          "--workspace", work.resolve("ws").toString());

      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(run.out()).contains("3 pushed, 3 verified, 0 failed");
      Path skopeoCerts = Files.createDirectories(work.resolve("skopeo-certs"));
      Files.copy(ca.certificate(), skopeoCerts.resolve("ca.crt"));
      for (GeneratedImage image : bundle.images()) {
        String mirrored = registry.hostPort() + "/secure-ns/" + image.reference().substring("gcr.io/".length());
        assertThat(Sha256.of(Skopeo.run("inspect", "--raw", "--cert-dir", skopeoCerts.toString(),
            "--creds", "seeder:cluster-pass", "docker://" + mirrored))).as(mirrored).isEqualTo(image.manifestDigest());
      }
    } finally {
      registry.stop();
    }
  }

  @Test
  void clusterConfigAndPrivateRegistryTogetherAreRefused(@TempDir Path work) throws IOException {
    Path config = clusterConfig(work, "https://172.18.0.20:5000/v2/test-namespace");

    CliRun run = CliRun.of("push", "--source", bundle.layout().toString(), "--cluster-config", config.toString(),
        "--private-registry", "127.0.0.1:5000/ns", "--workspace", work.resolve("ws").toString());

    assertOneLineBadInput(run, "--private-registry and --cluster-config both name the mirror");
  }

  @Test
  void neitherClusterConfigNorPrivateRegistryIsRefused(@TempDir Path work) {
    CliRun run = CliRun.of("push", "--source", bundle.layout().toString(), "--workspace", work.toString());

    assertOneLineBadInput(run, "--private-registry");
    assertThat(run.err()).contains("--cluster-config");
  }

  @Test
  void clusterConfigWithoutMirrorsNamesTheFileAndRegistryMirrors(@TempDir Path work) throws IOException {
    Path config = Files.writeString(work.resolve("cluster.yaml"), """
        gcrKeyPath: bmctl-workspace/.sa-keys/gcr.json
        sshPrivateKeyPath: /root/.ssh/id_rsa
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: cluster-plain
        """);

    CliRun run = CliRun.of("push", "--source", bundle.layout().toString(), "--cluster-config", config.toString(),
        "--workspace", work.resolve("ws").toString());

    assertOneLineBadInput(run, config.toString());
    assertThat(run.err()).contains("registryMirrors");
  }

  @Test
  void malformedClusterConfigNamesTheFileAndTheLine(@TempDir Path work) throws IOException {
    Path config = Files.writeString(work.resolve("cluster.yaml"), """
        sshPrivateKeyPath: /root/.ssh/id_rsa
        registryMirrors:
          - endpoint: https://172.18.0.20:5000
           caCertPath: /root/ca.crt
        """);

    CliRun run = CliRun.of("push", "--source", bundle.layout().toString(), "--cluster-config", config.toString(),
        "--workspace", work.resolve("ws").toString());

    assertOneLineBadInput(run, config.toString());
    assertThat(run.err()).contains("line 4");
  }

  private static void assertOneLineBadInput(CliRun run, String expected) {
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.err().strip().lines()).as(run.err()).hasSize(1);
    assertThat(run.err()).contains(expected);
  }

  /** A bmctl cluster config as bmctl lays it out: header with registryMirrors, then the resources. */
  private static Path clusterConfig(Path dir, String endpoint) throws IOException {
    return Files.writeString(dir.resolve("cluster.yaml"), """
        gcrKeyPath: bmctl-workspace/.sa-keys/my-project-anthos-baremetal-gcr.json
        sshPrivateKeyPath: /root/.ssh/id_rsa
        registryMirrors:
          - endpoint: %s
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: cluster-e2e
        ---
        apiVersion: baremetal.cluster.gke.io/v1
        kind: Cluster
        metadata:
          name: e2e
          namespace: cluster-e2e
        spec:
          type: standalone
          anthosBareMetalVersion: 1.34.200-gke.68
        """.formatted(endpoint));
  }
}
