package dev.mirrorseed.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Source images map into the mirror as containerd resolves mirrors: host dropped, path kept. */
class MirrorTargetTest {
  @Test
  void dropsTheSourceHostAndKeepsThePathUnderTheNamespace() {
    MirrorTarget target = MirrorTarget.parse("172.18.0.20:5000/test-namespace");

    assertThat(target.registry()).isEqualTo("172.18.0.20:5000");
    assertThat(target.repositoryFor("gcr.io/anthos-baremetal-release/kube-rbac-proxy:v0.6.0-gke.0"))
        .isEqualTo("test-namespace/anthos-baremetal-release/kube-rbac-proxy");
    assertThat(MirrorTarget.tagOf("gcr.io/anthos-baremetal-release/kube-rbac-proxy:v0.6.0-gke.0"))
        .isEqualTo("v0.6.0-gke.0");
  }

  @Test
  void dockerHubOfficialImagesGoUnderLibrary() {
    assertThat(MirrorTarget.parse("127.0.0.1:5000").repositoryFor("docker.io/nginx:1.25"))
        .isEqualTo("library/nginx");
  }

  @Test
  void withoutNamespaceThePathIsTheRepository() {
    MirrorTarget target = MirrorTarget.parse("https://mirror.local:5000/");

    assertThat(target.namespace()).isEmpty();
    assertThat(target.repositoryFor("gcr.io/a/b:1")).isEqualTo("a/b");
    assertThat(target.toString()).isEqualTo("mirror.local:5000");
  }

  @Test
  void untaggedReferenceIsLatest() {
    assertThat(MirrorTarget.tagOf("gcr.io/a/b")).isEqualTo("latest");
  }

  @Test
  void malformedTargetNamesTheFlag() {
    assertThatThrownBy(() -> MirrorTarget.parse("host:port:x/Bad"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--private-registry");
    assertThatThrownBy(() -> MirrorTarget.parse("127.0.0.1:5000/UPPER"))
        .hasMessageContaining("namespace 'UPPER'");
  }
}
