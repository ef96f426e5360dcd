package dev.mirrorseed.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScopeTest {
  @Test
  void aMountAlsoNeedsPullOnTheRepositoryItMountsFrom() {
    assertThat(Scope.mountSource("mount=sha256%3Aab&from=ns%2Fetcd").map(Scope::toString))
        .hasValue("repository:ns/etcd:pull");
    assertThat(Scope.mountSource("_state=xyz&digest=sha256:ab")).isEmpty();
    assertThat(Scope.mountSource(null)).isEmpty();
  }

  @Test
  void repositoryComesFromEveryPathThatNamesOne() {
    assertThat(Scope.repositoryOf("/v2/a/b/blobs/sha256:0123")).hasValue("a/b");
    assertThat(Scope.repositoryOf("/v2/a/b/blobs/uploads/")).hasValue("a/b");
    assertThat(Scope.repositoryOf("/v2/a/b/blobs/uploads/3f2c-session")).hasValue("a/b");
    assertThat(Scope.repositoryOf("/v2/ns/blobs/x/manifests/latest")).hasValue("ns/blobs/x");
    assertThat(Scope.repositoryOf("/v2/a/tags/list")).hasValue("a");
    assertThat(Scope.repositoryOf("/v2/")).isEmpty();
    assertThat(Scope.repositoryOf("/v2/_catalog")).isEmpty();
  }

  @Test
  void readsNeedPullAndWritesNeedPullAndPush() {
    assertThat(Scope.forRequest("HEAD", "a/b")).hasToString("repository:a/b:pull");
    assertThat(Scope.forRequest("PUT", "a/b")).hasToString("repository:a/b:pull,push");
  }

  @Test
  void mergeJoinsTheActionsOfEachResource() {
    Set<Scope> merged = Scope.merge(Scope.parseAll("repository:a:pull"),
        Scope.parseAll("repository:a:push,pull  repository:host:5000/b:pull"));

    assertThat(merged).extracting(Scope::toString)
        .containsExactly("repository:a:pull,push", "repository:host:5000/b:pull");
    assertThat(Scope.covers(merged, Scope.forRequest("PATCH", "a"))).isTrue();
    assertThat(Scope.covers(merged, Scope.forRequest("PATCH", "host:5000/b"))).isFalse();
  }

  @Test
  void ignoresScopesWithoutActions() {
    assertThat(Scope.parseAll("repository:a registry:catalog:* x")).extracting(Scope::toString)
        .isEqualTo(List.of("registry:catalog:*"));
  }
}
