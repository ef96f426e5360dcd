package dev.mirrorseed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.TestKafka;
import dev.mirrorseed.containerd.NodeMirrorFiles;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.Containerd;
import dev.mirrorseed.fixtures.GeneratedBundle;
import dev.mirrorseed.fixtures.GeneratedImage;
import dev.mirrorseed.fixtures.Htpasswd;
import dev.mirrorseed.fixtures.RegistryServer;
import dev.mirrorseed.fixtures.RegistryVariant;
import dev.mirrorseed.fixtures.TestCa;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's end as a node sees it: images pushed through real Kafka into a TLS registry with htpasswd
 * under a namespace are pulled by their gcr.io (and somehost.io) names with a real containerd 1.6 and
 * ctr, through the hosts.toml files containerd-config wrote. The registry's log shows the mirror
 * served them; the pulled digest is the bundle's. containerd and ctr run where gcr.io and somehost.io
 * resolve to loopback, so nothing they do can reach the real registries.
 */
class ContainerdPullEndToEndTest {
  private static final String USER = "node-puller";
  private static final String PASSWORD = "ctrd-pa55";
  private static final String OTHER_HOST = "somehost.io";

  @TempDir static Path shared;
  static GeneratedBundle gcrImages;
  static GeneratedBundle otherImages;
  static TestCa ca;
  static RegistryServer registry;
  static String namespace;
  static Path out;
  static Containerd containerd;

  @BeforeAll
  static void seedTheMirrorAndStartContainerd() throws IOException {
    try {
      containerd = Containerd.start(List.of("gcr.io", OTHER_HOST), false, null);
    } catch (Containerd.Unavailable e) {
      Assumptions.abort("containerd cannot run on this machine: " + e.getMessage());
    }
    gcrImages = BundleGenerator.generate(BundleSpec.of(3, 900_000).withMultiArch(true), shared.resolve("gcr"));
    otherImages = BundleGenerator.generate(BundleSpec.of(1, 200_000).withSeed(7).withSourcePrefix(OTHER_HOST + "/team"),
        shared.resolve("other"));
    ca = TestCa.create(shared.resolve("ca"), "mirrorseed containerd test CA");
    TestCa.Issued server = ca.issueServer("registry", "127.0.0.1");
    registry = RegistryServer.start(RegistryVariant.plain().withTls(server.certificate(), server.key())
        .withHtpasswd(Htpasswd.write(shared.resolve("htpasswd"), USER, PASSWORD)));
    namespace = "ctrd" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    push(gcrImages, 3);
    push(otherImages, 1);

    Path dockerConfig = Files.writeString(shared.resolve("config.json"), "{\"auths\":{\"" + registry.hostPort()
        + "\":{\"auth\":\"" + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8))
        + "\"}}}");
    out = shared.resolve("node");
    CliRun written = CliRun.of("containerd-config", "--private-registry",
        "https://" + registry.hostPort() + "/v2/" + namespace, "--cacert", ca.certificate().toString(),
        "--hosts", OTHER_HOST, "--docker-config", dockerConfig.toString(), "--out", out.toString(),
        "--config-path", out.resolve("certs.d").toString());
    assertThat(written.exitCode()).as(written.toString()).isZero();
  }

  @AfterAll
  static void stop() {
    if (containerd != null) {
      containerd.close();
    }
    if (registry != null) {
      registry.stop();
    }
  }

  @Test
  void ctrPullsEverySeededGcrImageFromTheMirrorWithTheBundlesDigest() {
    for (GeneratedImage image : gcrImages.images()) {
      assertPulledThroughTheMirror(image, "gcr.io");
    }
  }

  @Test
  void ctrPullsAnotherMirroredRegistrysImagesToo() {
    for (GeneratedImage image : otherImages.images()) {
      assertPulledThroughTheMirror(image, OTHER_HOST);
    }
  }

  @Test
  void anImageTheMirrorLacksFallsBackToTheUpstreamNameWhichOnlyReachesLoopback() {
    Containerd.Ctr pull = containerd.ctr("images", "pull", "--hosts-dir", out.resolve("certs.d").toString(),
        "--user", USER + ":" + PASSWORD, "gcr.io/anthos-baremetal-release/never-seeded:v1");

    assertThat(pull.exitCode()).as(pull.output()).isNotZero();
    assertThat(pull.output()).contains("host=\"" + registry.hostPort() + "\"", "https://gcr.io/v2/");
    assertThat(pull.output()).containsAnyOf("dial tcp 127.0.0.1:443", "dial tcp [::1]:443");
  }

  @Test
  void containerdsCriPluginLoadsEitherGeneratedSnippetAsWritten() throws IOException {
    String mirror = "https://" + registry.hostPort() + "/v2/" + namespace;
    // The CRI plugin logs the registry settings it took: config_path and the credentials' host, or the mirrors.
    try (Containerd withCri = Containerd.start(List.of("gcr.io"), true,
        Files.readString(out.resolve(NodeMirrorFiles.CONFIG_PATH_SNIPPET)))) {
      assertThat(withCri.pluginStatus("io.containerd.grpc.v1", "cri")).as(withCri.log()).contains("ok");
      assertThat(withCri.log()).contains("Registry:{ConfigPath:" + out.resolve("certs.d") + " Mirrors:map[] Configs:map["
          + registry.hostPort() + ":{Auth:0x");
    }
    try (Containerd withCri = Containerd.start(List.of("gcr.io"), true,
        Files.readString(out.resolve(NodeMirrorFiles.LEGACY_SNIPPET)))) {
      assertThat(withCri.pluginStatus("io.containerd.grpc.v1", "cri")).as(withCri.log()).contains("ok");
      assertThat(withCri.log()).contains("Registry:{ConfigPath: Mirrors:map[gcr.io:{Endpoints:[" + mirror + "]} "
          + OTHER_HOST + ":{Endpoints:[" + mirror + "]}]");
    }
  }

  @Test
  void configPathWithLegacyMirrorsLeavesContainerdWithoutCriAndCheckNodeSaysSo() throws IOException {
    String mix = String.join("\n",
        "[plugins.\"io.containerd.grpc.v1.cri\".registry]",
        "  config_path = \"" + out.resolve("certs.d") + "\"",
        "[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"gcr.io\"]",
        "  endpoint = [\"https://" + registry.hostPort() + "/v2/" + namespace + "\"]",
        "");
    try (Containerd withCri = Containerd.start(List.of("gcr.io"), true, mix)) {
      assertThat(withCri.pluginStatus("io.containerd.grpc.v1", "cri")).as(withCri.log()).contains("error");
      assertThat(withCri.log()).contains("`mirrors` cannot be set when `config_path` is provided");
      assertThat(withCri.ctr("version").exitCode()).as("containerd itself keeps running").isZero();
    }
    Path config = Files.writeString(shared.resolve("mix.toml"), "version = 2\n" + mix);

    CliRun check = CliRun.of("check-node", "--config", config.toString());

    assertThat(check.exitCode()).as(check.toString()).isEqualTo(ExitCode.NOT_MIRRORED.code);
    assertThat(check.out()).contains("error: " + config + " sets both", "`mirrors` cannot be set when `config_path` is provided");
  }

  @Test
  void checkNodeFindsTheMirrorInTheFilesCtrPulledThrough() throws IOException {
    Path config = Files.writeString(shared.resolve("node.toml"),
        "version = 2\n" + Files.readString(out.resolve(NodeMirrorFiles.CONFIG_PATH_SNIPPET)));

    CliRun check = CliRun.of("check-node", "--config", config.toString(), "--hosts", "gcr.io," + OTHER_HOST);

    assertThat(check.exitCode()).as(check.toString()).isZero();
    String mirror = "https://" + registry.hostPort() + "/v2/" + namespace + " (pull, resolve)";
    assertThat(check.out()).contains(
        "gcr.io: mirrored by " + out.resolve("certs.d/gcr.io/hosts.toml") + ": " + mirror + ", then https://gcr.io",
        OTHER_HOST + ": mirrored by " + out.resolve("certs.d/" + OTHER_HOST + "/hosts.toml") + ": " + mirror);
    assertThat(check.out()).doesNotContain("warning", "error");
  }

  private static void assertPulledThroughTheMirror(GeneratedImage image, String upstream) {
    String repository = image.reference().substring(upstream.length() + 1, image.reference().lastIndexOf(':'));
    int logBefore = registry.accessLog().size();

    Containerd.Ctr pull = containerd.ctr("images", "pull", "--hosts-dir", out.resolve("certs.d").toString(),
        "--user", USER + ":" + PASSWORD, image.reference());

    assertThat(pull.exitCode()).as(pull.output()).isZero();
    // The repo digest method: what containerd recorded for the name is the bundle's manifest digest.
    Containerd.Ctr listed = containerd.ctr("images", "ls", "name==" + image.reference());
    assertThat(listed.output()).as(listed.output()).contains(image.reference() + " " + image.mediaType() + " "
        + image.manifestDigest());
    Containerd.Ctr checked = containerd.ctr("images", "check", "name==" + image.reference());
    assertThat(checked.output()).as(checked.output()).contains(image.manifestDigest(), "complete");
    // The mirror served it: containerd asked for the manifest under the namespace, for the upstream's name.
    List<String> served = registry.accessLog().subList(logBefore, registry.accessLog().size()).stream()
        .filter(line -> line.endsWith("\"containerd/" + containerdVersion(line) + "\""))
        .toList();
    assertThat(served).as("registry log").anyMatch(line -> line.contains("\"GET /v2/" + namespace + "/" + repository
        + "/manifests/" + image.manifestDigest() + "?ns=" + upstream + " HTTP/1.1\" 200 "));
  }

  private static String containerdVersion(String logLine) {
    int at = logLine.lastIndexOf("\"containerd/");
    return at < 0 ? "" : logLine.substring(at + "\"containerd/".length(), logLine.length() - 1);
  }

  private static void push(GeneratedBundle bundle, int images) {
    CliRun run = CliRun.withStdin(PASSWORD + "\n", "push", "--source", bundle.layout().toString(),
        "--private-registry", registry.hostPort() + "/" + namespace, "--cacert", ca.certificate().toString(),
        "--username", USER, "--password-stdin", "--bootstrap-servers", TestKafka.bootstrapServers(),
        "--workspace", shared.resolve("ws-" + bundle.layout().getFileName()).toString());
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains(images + " pushed, " + images + " verified, 0 failed");
  }
}
