package dev.mirrorseed.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.fixtures.BundleFormats;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.Compression;
import dev.mirrorseed.fixtures.GeneratedBundle;
import dev.mirrorseed.fixtures.GeneratedImage;
import dev.mirrorseed.reference.MirrorTarget;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where an image's name comes from, as {@link ImageNames} documents it. */
class ImageNamingTest {
  static final MirrorTarget TARGET = MirrorTarget.parse("mirror.local:5000/ns");

  @TempDir static Path shared;
  static GeneratedBundle bundle;
  static GeneratedImage image;

  @TempDir Path work;

  @BeforeAll
  static void generate() {
    bundle = BundleGenerator.generate(BundleSpec.of(2, 128 << 10), shared.resolve("layout"));
    image = bundle.images().get(0);
  }

  @Test
  void aBareTagInANestedArchiveTakesItsRepositoryFromTheArchivesFileName() {
    RecordingListener listener = streamBundleWith("images/kube-proxy.tar.gz", null, "v1.2");

    ImageSpec named = listener.ready("kube-proxy:v1.2");
    assertThat(named.targetRepository()).isEqualTo("ns/kube-proxy");
    assertThat(named.tags()).containsExactly("v1.2");
    assertThat(named.targetRef()).isEqualTo("mirror.local:5000/ns/kube-proxy:v1.2");
    assertThat(named.manifest().digest().toString()).isEqualTo(image.manifestDigest());
  }

  @Test
  void aBareTagUnderAPathStartingWithARegistryHostIsThatRepository() {
    RecordingListener listener = streamBundleWith("gcr.io/foo/kube-proxy.tar", null, "v1.2");

    ImageSpec named = listener.ready("gcr.io/foo/kube-proxy:v1.2");
    assertThat(named.targetRef()).isEqualTo("mirror.local:5000/ns/foo/kube-proxy:v1.2");
  }

  @Test
  void aBareTagInALayoutDirectoryOfTheBundleTakesTheDirectorysName() {
    Path layout = LayoutEdits.copy(BundleFormats.singleImageLayout(bundle, image, work.resolve("one")),
        work.resolve("bundle/images/etcd"));
    renameOnlyEntry(layout, null, "3.5.9");
    Path archive = BundleFormats.archive(work.resolve("bundle"), work.resolve("bundle.tar.zst"), Compression.ZSTD);
    RecordingListener listener = new RecordingListener();

    BundleFormatsTest.stream(archive, work.resolve("staging"), PlanOptions.defaults(), listener);

    assertThat(listener.ready("etcd:3.5.9").targetRepository()).isEqualTo("ns/etcd");
  }

  @Test
  void aBareTagWhosePathIsNoRepositoryNameBreaksTheImageSayingSo() {
    RecordingListener listener = streamBundleWith("images/Kube Proxy.tar", null, "v1.2");

    assertThat(listener.ready).hasSize(1); // the other image of the bundle
    assertThat(listener.broken).singleElement().satisfies(broken -> {
      assertThat(broken.sourceRef()).isEqualTo("images/Kube Proxy.tar");
      assertThat(broken.reason()).contains("'Kube Proxy' is no valid repository name").contains("v1.2");
    });
  }

  @Test
  void containerdsNameWinsOverTheOciRefName() {
    RecordingListener listener = streamBundleWith("images/kube-proxy.tar", "registry.k8s.io/kube-proxy:v1.28.0",
        "v1.2");

    assertThat(listener.ready("registry.k8s.io/kube-proxy:v1.28.0").targetRef())
        .isEqualTo("mirror.local:5000/ns/kube-proxy:v1.28.0");
  }

  @Test
  void aRefNameWithARepositoryIsAFullName() {
    RecordingListener listener = streamBundleWith("images/whatever.tar", null, "nginx:1.25");

    assertThat(listener.ready("nginx:1.25").targetRef()).isEqualTo("mirror.local:5000/ns/library/nginx:1.25");
  }

  /**
   * A bundle of two nested archives: the first image's own layout at {@code entryPath}, its one
   * index.json entry annotated as given, then the second image's, named as generated.
   */
  private RecordingListener streamBundleWith(String entryPath, String containerdName, String refName) {
    Path layout = BundleFormats.singleImageLayout(bundle, image, work.resolve("first"));
    renameOnlyEntry(layout, containerdName, refName);
    Compression inner = entryPath.endsWith(".gz") ? Compression.GZIP : Compression.NONE;
    BundleFormats.archive(layout, work.resolve("bundle").resolve(entryPath), inner);
    Path second = BundleFormats.singleImageLayout(bundle, bundle.images().get(1), work.resolve("second"));
    BundleFormats.archive(second, work.resolve("bundle/zz/second.tar"), Compression.NONE);
    Path archive = BundleFormats.archive(work.resolve("bundle"), work.resolve("bundle.tar.xz"), Compression.XZ);
    RecordingListener listener = new RecordingListener();
    BundleFormatsTest.stream(archive, work.resolve("staging"), PlanOptions.defaults(), listener);
    return listener;
  }

  private static void renameOnlyEntry(Path layout, String containerdName, String refName) {
    LayoutEdits.rewriteIndex(layout, entries -> {
      entries.removeAll();
      entries.add(LayoutEdits.entry(image, containerdName, refName));
    });
  }
}
