package dev.mirrorseed.containerd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.mirrorseed.containerd.NodeCheck.HostReport;
import dev.mirrorseed.containerd.NodeCheck.Report;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** check-node's reading of a node: which registries containerd 1.6 pulls through a mirror, from which file. */
class NodeCheckTest {
  private static final String CRI = "[plugins.\"io.containerd.grpc.v1.cri\".registry";
  private static final List<String> GCR = List.of("gcr.io");
  @TempDir Path dir;

  @Test
  void legacyRegistryMirrorsMirrorTheirRegistries() throws IOException {
    Path config = config("""
        version = 2
        %s.mirrors."gcr.io"]
          endpoint = ["https://10.0.0.5:5000/v2/ns", "https://10.0.0.6:5000"]
        """.formatted(CRI));

    Report report = check(config, null, GCR);

    assertThat(report.ok()).isTrue();
    assertThat(report.errors()).isEmpty();
    assertThat(report.hosts()).containsExactly(new HostReport("gcr.io", true, true, "mirrored by registry.mirrors.\"gcr.io\" of "
        + config + " (deprecated): https://10.0.0.5:5000/v2/ns, https://10.0.0.6:5000, then https://gcr.io"));
  }

  @Test
  void aLegacyWildcardMirrorsEveryRegistryWithoutItsOwnEntry() throws IOException {
    Path config = config("""
        version = 2
        %s.mirrors."*"]
          endpoint = ["https://10.0.0.5:5000"]
        """.formatted(CRI));

    Report report = check(config, null, List.of("quay.io"));

    assertThat(report.hosts()).singleElement().satisfies(host -> {
      assertThat(host.mirrored()).isTrue();
      assertThat(host.how()).startsWith("mirrored by registry.mirrors.\"*\" of ");
    });
  }

  @Test
  void configPathWithHostsTomlMirrorsAndNamesTheFile() throws IOException {
    Path certs = dir.resolve("certs.d");
    Path hostsToml = hostsToml(certs.resolve("gcr.io"), """
        server = "https://gcr.io"
        [host."https://10.0.0.5:5000/v2/ns"]
          capabilities = ["pull", "resolve"]
          override_path = true
        """);
    Path config = config("version = 2\n" + CRI + "]\n  config_path = \"" + certs + "\"\n");

    Report report = check(config, null, GCR);

    assertThat(report.ok()).isTrue();
    assertThat(report.summary()).isEqualTo(config + ": version 2, config_path " + certs);
    assertThat(report.hosts()).containsExactly(new HostReport("gcr.io", true, true, "mirrored by " + hostsToml
        + ": https://10.0.0.5:5000/v2/ns (pull, resolve), then https://gcr.io"));
    assertThat(report.warnings()).isEmpty();
  }

  @Test
  void aRegistryWithAPortIsFoundInContainerdsUnderscoreDirectoryAndOthersInDefault() throws IOException {
    Path certs = dir.resolve("certs.d");
    Path ported = hostsToml(certs.resolve("registry.local_5000_"), "[host.\"https://10.0.0.5:5000\"]\n");
    Path fallback = hostsToml(certs.resolve("_default"), "[host.\"https://10.0.0.6:5000\"]\n");
    Path config = config("version = 2\n" + CRI + "]\n  config_path = \"" + certs + "\"\n");

    Report report = check(config, null, List.of("registry.local:5000", "gcr.io"));

    assertThat(report.hosts()).extracting(HostReport::host, HostReport::how).containsExactly(
        tuple("registry.local:5000", "mirrored by " + ported
            + ": https://10.0.0.5:5000 (pull, resolve, push), then https://registry.local:5000"),
        tuple("gcr.io", "mirrored by " + fallback
            + " (the _default for every registry): https://10.0.0.6:5000 (pull, resolve, push), then https://gcr.io"));
  }

  @Test
  void configPathTogetherWithLegacyMirrorsIsTheFatalMix() throws IOException {
    Path certs = dir.resolve("certs.d");
    hostsToml(certs.resolve("gcr.io"), "[host.\"https://10.0.0.5:5000\"]\n");
    Path config = config("""
        version = 2
        %1$s]
          config_path = "%2$s"
        %1$s.mirrors."gcr.io"]
          endpoint = ["https://10.0.0.5:5000"]
        """.formatted(CRI, certs));

    Report report = check(config, null, GCR);

    assertThat(report.ok()).isFalse();
    assertThat(report.errors()).containsExactly(config + " sets both plugins.\"io.containerd.grpc.v1.cri\".registry.config_path"
        + " and plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors: containerd's CRI plugin refuses this (\"`mirrors`"
        + " cannot be set when `config_path` is provided\") and does not load, so kubelet can pull and run nothing;"
        + " remove the registry.mirrors tables (hosts.toml files replace them)");
  }

  @Test
  void configPathRefusesTlsConfigsButTakesAuthConfigs() throws IOException {
    Path certs = dir.resolve("certs.d");
    hostsToml(certs.resolve("gcr.io"), "[host.\"https://10.0.0.5:5000\"]\n");
    String withAuth = "version = 2\n%1$s]\n  config_path = \"%2$s\"\n%1$s.configs.\"10.0.0.5:5000\".auth]\n  auth = \"dTpw\"\n"
        .formatted(CRI, certs);

    assertThat(check(config(withAuth), null, GCR).errors()).isEmpty();
    Report withTls = check(config(withAuth + CRI + ".configs.\"10.0.0.5:5000\".tls]\n  ca_file = \"/ca.crt\"\n"), null, GCR);
    assertThat(withTls.ok()).isFalse();
    assertThat(withTls.errors()).singleElement().asString()
        .contains("registry.configs.\"NAME\".tls for 10.0.0.5:5000", "`configs.tls` cannot be set when `config_path` is provided");
  }

  @Test
  void theConfigContainerdWritesByDefaultMirrorsNothing() throws URISyntaxException {
    Path defaults = Path.of(getClass().getResource("config-default-1.6.20.toml").toURI());

    Report report = check(defaults, null, GCR);

    assertThat(report.ok()).isFalse();
    assertThat(report.errors()).isEmpty();
    assertThat(report.hosts()).containsExactly(new HostReport("gcr.io", true, false, "not mirrored: no config_path, and no"
        + " registry.mirrors entry for gcr.io in " + defaults + "; pulls go to https://gcr.io"));
  }

  @Test
  void anUnmirroredRegistryTheCallerDidNotAskForIsReportedButNotAFailure() throws IOException {
    Path certs = dir.resolve("certs.d");
    hostsToml(certs.resolve("gcr.io"), "[host.\"https://10.0.0.5:5000\"]\n");
    hostsToml(certs.resolve("quay.io"), "server = \"https://quay.io\"\n");
    Path config = config("version = 2\n" + CRI + "]\n  config_path = \"" + certs + "\"\n");

    Report report = check(config, null, List.of("gcr.io", "ghcr.io"));

    assertThat(report.hosts()).extracting(HostReport::host, HostReport::required, HostReport::mirrored).containsExactly(
        tuple("gcr.io", true, true),
        tuple("ghcr.io", true, false),
        tuple("quay.io", false, false));
    assertThat(report.hosts().get(1).how()).isEqualTo("not mirrored: no ghcr.io/hosts.toml (nor _default) under " + certs
        + "; pulls go to https://ghcr.io");
    assertThat(report.hosts().get(2).how()).isEqualTo("not mirrored: " + certs.resolve("quay.io/hosts.toml")
        + " names no host to pull from; pulls go to https://quay.io");
    assertThat(report.ok()).isFalse();
    assertThat(check(config, null, GCR).ok()).isTrue();
  }

  @Test
  void aVersionOneConfigIsReadAtPluginsCriAndTheVersionTwoKeyIgnored() throws IOException {
    Path config = config("""
        [plugins.cri.registry.mirrors."gcr.io"]
          endpoint = ["https://10.0.0.5:5000"]
        %s.mirrors."quay.io"]
          endpoint = ["https://10.0.0.6:5000"]
        """.formatted(CRI));

    Report report = check(config, null, GCR);

    assertThat(report.summary()).startsWith(config + ": version 1, no config_path, registry.mirrors for gcr.io");
    assertThat(report.hosts()).extracting(HostReport::host).containsExactly("gcr.io");
    assertThat(report.warnings()).containsExactly(config + ": plugins.\"io.containerd.grpc.v1.cri\".registry (a version 1"
        + " config is read at plugins.\"cri\") is not read by containerd");
  }

  @Test
  void aNamespacePathWithoutOverridePathAMissingResolveAndAMissingCaAreWarnedAbout() throws IOException {
    Path certs = dir.resolve("certs.d");
    Path file = hostsToml(certs.resolve("gcr.io"), """
        [host."https://10.0.0.5:5000/v2/ns"]
          capabilities = ["pull"]
          ca = "missing.crt"
        """);

    Report report = check(config("version = 2\n" + CRI + "]\n  config_path = \"" + certs + "\"\n"), null, GCR);

    assertThat(report.warnings()).containsExactly(
        file + ": https://10.0.0.5:5000/v2/ns has a path but no override_path = true: containerd sends /v2/ns/v2/<repository>/...,"
            + " which a mirror seeded under a namespace does not serve",
        file + ": https://10.0.0.5:5000/v2/ns lacks the resolve capability: tags of gcr.io images are resolved upstream,"
            + " which fails where the upstream cannot be reached",
        file + ": ca " + certs.resolve("gcr.io/missing.crt") + " does not exist: containerd fails every pull of gcr.io");
  }

  @Test
  void aHostsTomlThatIsNotTomlIsIgnoredAsContainerdIgnoresIt() throws IOException {
    Path certs = dir.resolve("certs.d");
    Path file = hostsToml(certs.resolve("gcr.io"), "[host.\"https://10.0.0.5:5000\"\n");

    Report report = check(config("version = 2\n" + CRI + "]\n  config_path = \"" + certs + "\"\n"), null, GCR);

    assertThat(report.hosts().get(0).mirrored()).isFalse();
    assertThat(report.hosts().get(0).how()).startsWith("not mirrored: " + file + " is not valid TOML (")
        .endsWith("); containerd ignores it and pulls from https://gcr.io");
  }

  @Test
  void aDirectoryWithCertificatesOnlyMirrorsNothing() throws IOException {
    Path certs = dir.resolve("certs.d");
    Files.createDirectories(certs.resolve("gcr.io"));
    Files.writeString(certs.resolve("gcr.io/ca.crt"), "pem");

    Report report = check(config("version = 2\n" + CRI + "]\n  config_path = \"" + certs + "\"\n"), null, GCR);

    assertThat(report.hosts().get(0).how()).isEqualTo("not mirrored: " + certs.resolve("gcr.io")
        + " has no hosts.toml (containerd reads only certificates there); pulls go to https://gcr.io");
  }

  @Test
  void aHostsDirWithoutConfigPathIsWhatCtrReadsButNotKubelet() throws IOException {
    Path certs = dir.resolve("copied");
    hostsToml(certs.resolve("gcr.io"), "[host.\"https://10.0.0.5:5000\"]\n");
    Path config = config("version = 2\n");

    Report report = check(config, certs, GCR);

    assertThat(report.hosts().get(0).mirrored()).isTrue();
    assertThat(report.warnings()).containsExactly(config + " sets no config_path: kubelet's pulls (CRI) ignore the"
        + " hosts.toml files of " + certs + "; only ctr images pull --hosts-dir " + certs + " reads them");
  }

  private static Report check(Path config, Path hostsDir, List<String> required) {
    try {
      return NodeCheck.check(ContainerdConfigToml.read(config), hostsDir, required);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private Path config(String toml) throws IOException {
    return Files.writeString(Files.createTempFile(dir, "config", ".toml"), toml);
  }

  private static Path hostsToml(Path hostDir, String toml) throws IOException {
    Files.createDirectories(hostDir);
    return Files.writeString(hostDir.resolve("hosts.toml"), toml);
  }
}
