package dev.mirrorseed.containerd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirrorseed.bmctl.ClusterConfigReader;
import dev.mirrorseed.bmctl.RegistryMirror;
import dev.mirrorseed.containerd.NodeMirrorFiles.GeneratedFile;
import dev.mirrorseed.registry.auth.Credential;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files containerd-config writes, byte for byte, and that containerd's own reading of them agrees. */
class NodeMirrorFilesTest {
  private static final Path CERTS = NodeMirrorFiles.DEFAULT_CERTS_DIR;
  private static final Credential SEEDER = new Credential("seeder", "s3cret");
  @TempDir Path dir;

  @Test
  void eachMirroredRegistryGetsAHostsTomlPointingAtTheNamespaceWithTheCa() throws IOException {
    Map<Path, String> files = contents(NodeMirrorFiles.of(mirror("https://10.0.0.5:5000/v2/mirror/ns", List.of("somehost.io")),
        null, CERTS));

    assertThat(files.keySet()).containsExactly(Path.of("certs.d/gcr.io/hosts.toml"),
        Path.of("certs.d/somehost.io/hosts.toml"), Path.of("certs.d/10.0.0.5:5000/ca.crt"), Path.of("config_path.toml"),
        Path.of("legacy-mirrors.toml"), Path.of("registry-mirrors.yaml"));
    assertThat(files.get(Path.of("certs.d/gcr.io/hosts.toml"))).isEqualTo("""
        # gcr.io pulls through the mirror https://10.0.0.5:5000/v2/mirror/ns first (written by mirrorseed containerd-config).
        server = "https://gcr.io"

        [host."https://10.0.0.5:5000/v2/mirror/ns"]
          capabilities = ["pull", "resolve"]
          ca = "/etc/containerd/certs.d/10.0.0.5:5000/ca.crt"
          override_path = true
        """);
    assertThat(files.get(Path.of("certs.d/somehost.io/hosts.toml"))).isEqualTo("""
        # somehost.io pulls through the mirror https://10.0.0.5:5000/v2/mirror/ns first (written by mirrorseed containerd-config).
        server = "https://somehost.io"

        [host."https://10.0.0.5:5000/v2/mirror/ns"]
          capabilities = ["pull", "resolve"]
          ca = "/etc/containerd/certs.d/10.0.0.5:5000/ca.crt"
          override_path = true
        """);
    assertThat(files.get(Path.of("certs.d/10.0.0.5:5000/ca.crt"))).isEqualTo(Files.readString(dir.resolve("ca.pem")));
  }

  @Test
  void aMirrorAtTheRegistryRootNeedsNoOverridePathAndNoCaWithoutOne() throws IOException {
    Map<Path, String> files = contents(NodeMirrorFiles.of(
        new RegistryMirror(URI.create("https://mirror.local:5000"), null, null, List.of()), null, CERTS));

    assertThat(files.get(Path.of("certs.d/gcr.io/hosts.toml"))).isEqualTo("""
        # gcr.io pulls through the mirror https://mirror.local:5000 first (written by mirrorseed containerd-config).
        server = "https://gcr.io"

        [host."https://mirror.local:5000"]
          capabilities = ["pull", "resolve"]
        """);
    assertThat(files.keySet()).doesNotContain(Path.of("certs.d/mirror.local:5000/ca.crt"));
    assertThat(files.get(Path.of("config_path.toml"))).isEqualTo("""
        # Merge into /etc/containerd/config.toml (version = 2) on each node and restart containerd: pulls of
        # gcr.io then go where /etc/containerd/certs.d/<registry>/hosts.toml says.
        # Remove any registry.mirrors and registry.configs."...".tls tables first: with config_path
        # containerd's CRI plugin refuses them and does not load (kubelet can then pull nothing).
        [plugins."io.containerd.grpc.v1.cri".registry]
          config_path = "/etc/containerd/certs.d"
        """);
  }

  @Test
  void aPlainHttpMirrorIsNamedWithItsScheme() throws IOException {
    Map<Path, String> files = contents(NodeMirrorFiles.of(
        new RegistryMirror(URI.create("http://10.0.0.5:5000/v2/ns"), null, null, List.of()), null, CERTS));

    assertThat(files.get(Path.of("certs.d/gcr.io/hosts.toml")))
        .contains("[host.\"http://10.0.0.5:5000/v2/ns\"]\n  capabilities = [\"pull\", \"resolve\"]\n  override_path = true\n");
  }

  @Test
  void credentialsGoIntoTheConfigTomlSnippetsOnlyAndThoseAreReadableByTheirOwnerAlone() throws IOException {
    List<GeneratedFile> generated = NodeMirrorFiles.of(mirror("https://10.0.0.5:5000/v2/ns", List.of("somehost.io")),
        SEEDER, Path.of("/var/lib/certs.d"));
    Map<Path, String> files = contents(generated);
    String auth = "c2VlZGVyOnMzY3JldA=="; // base64("seeder:s3cret")

    assertThat(files.get(Path.of("config_path.toml"))).isEqualTo("""
        # Merge into /etc/containerd/config.toml (version = 2) on each node and restart containerd: pulls of
        # gcr.io, somehost.io then go where /var/lib/certs.d/<registry>/hosts.toml says.
        # Remove any registry.mirrors and registry.configs."...".tls tables first: with config_path
        # containerd's CRI plugin refuses them and does not load (kubelet can then pull nothing).
        [plugins."io.containerd.grpc.v1.cri".registry]
          config_path = "/var/lib/certs.d"

        # containerd 1.6 reads no credentials from hosts.toml: CRI takes the mirror's from here, the one
        # registry.configs table config_path allows. ctr images pull takes --user instead.
        [plugins."io.containerd.grpc.v1.cri".registry.configs."10.0.0.5:5000".auth]
          auth = "%s"
        """.formatted(auth));
    assertThat(files.get(Path.of("legacy-mirrors.toml"))).isEqualTo("""
        # Deprecated: only for a /etc/containerd/config.toml (version = 2) without config_path, which
        # containerd's CRI plugin refuses together with these tables. Prefer config_path.toml.
        # ctr does not read them; the endpoint's path is taken as the mirror's API root as it is.
        [plugins."io.containerd.grpc.v1.cri".registry.mirrors."gcr.io"]
          endpoint = ["https://10.0.0.5:5000/v2/ns"]

        [plugins."io.containerd.grpc.v1.cri".registry.mirrors."somehost.io"]
          endpoint = ["https://10.0.0.5:5000/v2/ns"]

        [plugins."io.containerd.grpc.v1.cri".registry.configs."10.0.0.5:5000".tls]
          ca_file = "/var/lib/certs.d/10.0.0.5:5000/ca.crt"

        [plugins."io.containerd.grpc.v1.cri".registry.configs."10.0.0.5:5000".auth]
          auth = "%s"
        """.formatted(auth));
    assertThat(files.get(Path.of("certs.d/gcr.io/hosts.toml")))
        .contains("# containerd 1.6 reads no credentials from hosts.toml: the mirror's are in config_path.toml (CRI);"
            + " ctr takes --user.\n")
        .doesNotContain(auth, "s3cret");

    Path out = dir.resolve("out");
    NodeMirrorFiles.write(generated, out);
    for (String secret : List.of("config_path.toml", "legacy-mirrors.toml")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve(secret)))).isEqualTo("rw-------");
    }
    assertThat(Files.readString(out.resolve("certs.d/gcr.io/hosts.toml"))).isEqualTo(files.get(Path.of("certs.d/gcr.io/hosts.toml")));
  }

  @Test
  void hostsTomlReadsBackAsContainerdUsesIt() throws IOException {
    Path out = dir.resolve("out");
    NodeMirrorFiles.write(NodeMirrorFiles.of(mirror("https://10.0.0.5:5000/v2/ns", List.of()), null, CERTS), out);

    HostsToml read = HostsToml.read(out.resolve("certs.d/gcr.io/hosts.toml"));

    assertThat(read.server()).isEqualTo("https://gcr.io");
    assertThat(read.hosts()).singleElement().satisfies(host -> {
      assertThat(host.url()).isEqualTo("https://10.0.0.5:5000/v2/ns");
      assertThat(host.apiRoot()).isEqualTo("/v2/ns");
      assertThat(host.pulls()).isTrue();
      assertThat(host.resolves()).isTrue();
      assertThat(host.ca()).containsExactly("/etc/containerd/certs.d/10.0.0.5:5000/ca.crt");
    });
  }

  @Test
  void theBmctlBlockReadsBackAsTheSameMirror() throws IOException {
    RegistryMirror mirror = new RegistryMirror(URI.create("https://10.0.0.5:5000/v2/ns"), dir.resolve("ca.pem"),
        dir.resolve("config.json"), List.of("gcr.io", "somehost.io", "otherhost.io:5000"));
    Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
    String yaml = contents(NodeMirrorFiles.of(mirror, null, CERTS)).get(Path.of("registry-mirrors.yaml"));

    assertThat(yaml).isEqualTo("""
        # For the header of a bmctl cluster config (beside sshPrivateKeyPath); bmctl mirrors gcr.io and hosts.
        registryMirrors:
          - endpoint: https://10.0.0.5:5000/v2/ns
            caCertPath: %s
            pullCredentialConfigPath: %s
            hosts:
              - somehost.io
              - otherhost.io:5000
        """.formatted(dir.resolve("ca.pem"), dir.resolve("config.json")));
    List<RegistryMirror> read = ClusterConfigReader.registryMirrors(Files.writeString(dir.resolve("cluster.yaml"), yaml));
    assertThat(read).singleElement().satisfies(back -> {
      assertThat(back.endpoint()).isEqualTo(mirror.endpoint());
      assertThat(back.caCertPath()).isEqualTo(mirror.caCertPath());
      assertThat(back.pullCredentialConfigPath()).isEqualTo(mirror.pullCredentialConfigPath());
      assertThat(back.mirroredHosts()).isEqualTo(mirror.mirroredHosts());
    });
  }

  @Test
  void dockerHubsUpstreamIsItsApiHost() {
    assertThat(HostsToml.upstreamServer("docker.io")).isEqualTo("https://registry-1.docker.io");
    assertThat(HostsToml.upstreamServer("quay.io")).isEqualTo("https://quay.io");
  }

  @Test
  void aRegistryNameThatCouldLeaveTheCertsDirIsRefused() {
    assertThatThrownBy(() -> NodeMirrorFiles.of(
        new RegistryMirror(URI.create("https://10.0.0.5:5000"), null, null, List.of("../../etc")), null, CERTS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("mirrored registry '../../etc' is not a registry name like somehost.io or registry.local:5000");
  }

  private RegistryMirror mirror(String endpoint, List<String> hosts) throws IOException {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    return new RegistryMirror(URI.create(endpoint), ca, null, hosts);
  }

  private static Map<Path, String> contents(List<GeneratedFile> files) {
    return files.stream().collect(Collectors.toMap(GeneratedFile::path, GeneratedFile::content, (a, b) -> a,
        LinkedHashMap::new));
  }
}
