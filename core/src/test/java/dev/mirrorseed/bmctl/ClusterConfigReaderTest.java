package dev.mirrorseed.bmctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirrorseed.reference.MirrorTarget;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bmctl's registryMirrors become mirrorseed's target the way containerd would use them. */
class ClusterConfigReaderTest {
  @TempDir Path dir;

  @Test
  void readsTheMirrorOfAGeneratedHybridClusterConfig() throws URISyntaxException {
    Path sample = Path.of(getClass().getResource("hybrid-with-mirror.yaml").toURI());

    List<RegistryMirror> mirrors = ClusterConfigReader.registryMirrors(sample);

    assertThat(mirrors).containsExactly(new RegistryMirror(
        URI.create("https://172.18.0.20:5000/v2/test-namespace"), Path.of("/root/ca.crt"),
        Path.of("/root/.docker/config.json"), List.of("somehost.io", "otherhost.io")));
    assertThat(mirrors.get(0).target()).isEqualTo(new MirrorTarget("172.18.0.20:5000", "test-namespace"));
    assertThat(mirrors.get(0).plainHttp()).isFalse();
  }

  @Test
  void aHeaderAloneIsEnough() throws IOException {
    // Leading and trailing document markers, as hand-edited files have them, leave empty documents.
    Path file = write("""
        ---
        sshPrivateKeyPath: /root/.ssh/id_rsa
        registryMirrors:
          - endpoint: https://mirror.example:5000/v2/ns
        ---
        """);

    assertThat(ClusterConfigReader.registryMirrors(file)).singleElement()
        .satisfies(mirror -> {
          assertThat(mirror.target()).hasToString("mirror.example:5000/ns");
          assertThat(mirror.caCertPath()).isNull();
          assertThat(mirror.pullCredentialConfigPath()).isNull();
          assertThat(mirror.hosts()).isEmpty();
        });
  }

  @Test
  void severalMirrorsKeepTheFilesOrder() throws IOException {
    Path file = write("""
        registryMirrors:
          - endpoint: https://first.example:5000/v2/one
          - endpoint: https://second.example:5001
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: cluster-x
        """);

    assertThat(ClusterConfigReader.registryMirrors(file)).extracting(mirror -> mirror.target().toString())
        .containsExactly("first.example:5000/one", "second.example:5001");
  }

  @Test
  void relativePathsAreResolvedAgainstTheFilesDirectory() throws IOException {
    Path file = write("""
        registryMirrors:
          - endpoint: https://mirror.example:5000
            caCertPath: certs/ca.crt
            pullCredentialConfigPath: ../docker/config.json
        """);

    RegistryMirror mirror = ClusterConfigReader.registryMirrors(file).get(0);

    assertThat(mirror.caCertPath()).isEqualTo(dir.toAbsolutePath().resolve("certs/ca.crt"));
    assertThat(mirror.pullCredentialConfigPath())
        .isEqualTo(dir.toAbsolutePath().getParent().resolve("docker/config.json"));
  }

  @Test
  void emptyCaCertPathMeansNoPrivateCa() throws IOException {
    Path file = write("""
        registryMirrors:
          - endpoint: https://mirror.example:5000
            caCertPath: ""
            pullCredentialConfigPath:
        """);

    RegistryMirror mirror = ClusterConfigReader.registryMirrors(file).get(0);

    assertThat(mirror.caCertPath()).isNull();
    assertThat(mirror.pullCredentialConfigPath()).isNull();
  }

  @Test
  void aConfigWithoutMirrorsHasNone() throws URISyntaxException, IOException {
    String sample = Files.readString(Path.of(getClass().getResource("hybrid-with-mirror.yaml").toURI()));
    Path file = write(sample.replaceAll("(?s)registryMirrors:.*?otherhost\\.io\n", ""));

    assertThat(ClusterConfigReader.registryMirrors(file)).isEmpty();
  }

  @Test
  void malformedYamlNamesTheFileAndTheLine() throws IOException {
    Path file = write("""
        gcrKeyPath: a.json
        registryMirrors:
          - endpoint: https://mirror.example:5000
           caCertPath: /root/ca.crt
        """);

    assertThatThrownBy(() -> ClusterConfigReader.registryMirrors(file))
        .isInstanceOf(ClusterConfigException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("line 4")
        .satisfies(e -> assertThat(e.getMessage().lines()).hasSize(1));
  }

  @Test
  void httpEndpointSpeaksPlainHttp() throws IOException {
    Path file = write("""
        registryMirrors:
          - endpoint: http://10.0.0.5:5000/v2/ns
        """);

    RegistryMirror mirror = ClusterConfigReader.registryMirrors(file).get(0);

    assertThat(mirror.plainHttp()).isTrue();
    assertThat(mirror.target()).hasToString("10.0.0.5:5000/ns");
  }

  @Test
  void endpointWithV2AloneHasNoNamespace() {
    MirrorTarget target = mirror("https://172.18.0.20:5000/v2/").target();

    assertThat(target.registry()).isEqualTo("172.18.0.20:5000");
    assertThat(target.namespace()).isEmpty();
    assertThat(mirror("https://172.18.0.20:5000").target().namespace()).isEmpty();
  }

  @Test
  void endpointWithoutSchemeIsHttps() {
    RegistryMirror mirror = mirror("172.18.0.20:5000/v2/test-namespace");

    assertThat(mirror.endpoint()).isEqualTo(URI.create("https://172.18.0.20:5000/v2/test-namespace"));
    assertThat(mirror.plainHttp()).isFalse();
    assertThat(mirror.target()).hasToString("172.18.0.20:5000/test-namespace");
    assertThat(mirror("mirror.example:5000").target()).hasToString("mirror.example:5000");
  }

  @Test
  void nestedNamespaceIsKept() {
    assertThat(mirror("https://harbor.example/v2/team/gdc").target()).hasToString("harbor.example/team/gdc");
  }

  @Test
  void namespaceWithoutV2IsRefusedWithTheFix() throws IOException {
    Path file = write("""
        registryMirrors:
          - endpoint: https://mirror.example:5000/test-namespace
        """);

    assertThatThrownBy(() -> ClusterConfigReader.registryMirrors(file))
        .isInstanceOf(ClusterConfigException.class)
        .hasMessageContaining("registryMirrors[0].endpoint")
        .hasMessageContaining("https://mirror.example:5000/v2/test-namespace");
  }

  @Test
  void entryWithoutEndpointIsRefusedNamingIt() throws IOException {
    Path file = write("""
        registryMirrors:
          - endpoint: https://mirror.example:5000
          - caCertPath: /root/ca.crt
        """);

    assertThatThrownBy(() -> ClusterConfigReader.registryMirrors(file))
        .isInstanceOf(ClusterConfigException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("registryMirrors[1].endpoint is missing");
  }

  @Test
  void clusterSpecMirrorsAreReadWhenTheHeaderHasNone() throws IOException {
    Path file = write("""
        apiVersion: baremetal.cluster.gke.io/v1
        kind: Cluster
        metadata:
          name: exported
          namespace: cluster-exported
        spec:
          type: hybrid
          nodeConfig:
            registryMirrors:
              - endpoint: https://10.194.2.13:5007/v2/test-namespace
                hosts:
                  - somehost.io
        """);

    assertThat(ClusterConfigReader.registryMirrors(file)).singleElement()
        .satisfies(mirror -> {
          assertThat(mirror.target()).hasToString("10.194.2.13:5007/test-namespace");
          assertThat(mirror.hosts()).containsExactly("somehost.io");
        });
  }

  @Test
  void missingFileIsNamed() {
    Path missing = dir.resolve("no-such-cluster.yaml");

    assertThatThrownBy(() -> ClusterConfigReader.registryMirrors(missing))
        .isInstanceOf(ClusterConfigException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist");
  }

  private Path write(String yaml) throws IOException {
    return Files.writeString(dir.resolve("cluster.yaml"), yaml);
  }

  private static RegistryMirror mirror(String endpoint) {
    return new RegistryMirror(RegistryMirror.endpoint(endpoint), null, null, List.of());
  }
}
