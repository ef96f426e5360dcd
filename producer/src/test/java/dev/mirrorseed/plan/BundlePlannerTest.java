package dev.mirrorseed.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorseed.bundle.BundleException;
import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.fixtures.BundleDamage;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.GeneratedBundle;
import dev.mirrorseed.fixtures.GeneratedImage;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.MediaTypes;
import dev.mirrorseed.reference.MirrorTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundlePlannerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MirrorTarget TARGET = MirrorTarget.parse("172.18.0.20:5000/test-namespace");
  private static final String PREFIX = "gcr.io/anthos-baremetal-release/";

  @TempDir static Path shared;
  static GeneratedBundle bundle;

  @TempDir Path temp;

  @BeforeAll
  static void generate() {
    bundle = BundleGenerator.generate(BundleSpec.of(4, 512 << 10).withMultiArch(true), shared.resolve("layout"));
  }

  @Test
  void aLayoutDirectoryIsPlannedInPlaceWithOneImagePerIndexEntry() throws IOException {
    BundlePlan plan = BundlePlanner.stageAndPlan(bundle.layout(), temp.resolve("staging"), TARGET);

    assertThat(plan.staging()).isEqualTo(bundle.layout());
    assertThat(temp.resolve("staging")).doesNotExist();
    assertThat(plan.bundleDigest()).isEqualTo(Digest.of(Files.readAllBytes(bundle.layout().resolve("index.json"))).toString());
    assertThat(plan.images()).hasSize(4);
    for (int i = 0; i < 4; i++) {
      ImageSpec image = plan.images().get(i);
      GeneratedImage generated = bundle.images().get(i);
      assertThat(image.sourceRef()).isEqualTo(generated.reference());
      assertThat(image.manifest())
          .isEqualTo(new Descriptor(generated.mediaType(), Digest.parse(generated.manifestDigest()), generated.size()));
      assertThat(image.targetRegistry()).isEqualTo("172.18.0.20:5000");
      assertThat(image.tags()).containsExactly(MirrorTarget.tagOf(generated.reference()));
    }
    assertThat(plan.images().get(0).targetRef())
        .isEqualTo("172.18.0.20:5000/test-namespace/anthos-baremetal-release/kube-rbac-proxy:v0.6.0-gke.0");
    assertThat(plan.images().get(0).childManifests()).isEmpty();
    assertThat(plan.images().get(0).blobs()).hasSize(4); // config, base, middle, top
  }

  @Test
  void aMultiArchImageListsItsChildrenAndEveryBlobOfThemOnce() {
    ImageSpec multiArch = BundlePlanner.stageAndPlan(bundle.layout(), temp, TARGET).images().get(3);

    assertThat(multiArch.manifest().mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
    assertThat(multiArch.childManifests()).hasSize(2)
        .allSatisfy(child -> assertThat(child.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST));
    // amd64: config, base, middle, top; arm64: config, its own top, and the base again (listed once)
    assertThat(multiArch.blobs()).hasSize(6);
    assertThat(multiArch.blobs().stream().map(Descriptor::digest).distinct()).hasSize(6);
  }

  @Test
  void theTarOfTheLayoutPlansTheSameImagesAndStoresEachBlobOnce() throws IOException {
    Path tar = BundleGenerator.writeTar(bundle.layout(), temp.resolve("bundle.tar"));
    Path staging = temp.resolve("staging");

    BundlePlan fromTar = BundlePlanner.stageAndPlan(tar, staging, TARGET);
    BundlePlan fromDirectory = BundlePlanner.stageAndPlan(bundle.layout(), temp.resolve("unused"), TARGET);

    assertThat(fromTar.images()).isEqualTo(fromDirectory.images());
    assertThat(fromTar.staging()).isEqualTo(staging);
    assertThat(fromTar.bundleDigest()).isNotEqualTo(fromDirectory.bundleDigest()).startsWith("sha256:");
    assertThat(fileCount(staging.resolve("blobs/sha256"))).isEqualTo(bundle.uniqueBlobs());
    int manifests = 3 + 3; // three image manifests; the index and its two children
    assertThat(fromTar.uniqueBlobs()).isEqualTo(bundle.uniqueBlobs() - manifests);
    assertThat(fromTar.uniqueBytes()).isEqualTo(fromTar.images().stream()
        .flatMap(image -> image.blobs().stream()).distinct().mapToLong(Descriptor::size).sum());
  }

  @Test
  void aCorruptedBlobInADirectoryIsNamedWithItsFile() throws IOException {
    Path copy = copyOf(bundle.layout());
    Descriptor top = layerOf(0, 2);
    Path file = copy.resolve("blobs/sha256").resolve(top.digest().hex());
    BundleDamage.corruptBlob(copy, top.digest().toString());

    assertThatThrownBy(() -> BundlePlanner.stageAndPlan(copy, temp.resolve("staging"), TARGET))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("blob " + top.digest())
        .hasMessageContaining(file.toString());
  }

  @Test
  void aLayoutIsHeardOfOnTheReadingThreadInListingOrder() throws IOException {
    Path copy = copyOf(bundle.layout());
    Descriptor top = layerOf(1, 2);
    BundleDamage.corruptBlob(copy, top.digest().toString());
    List<String> heard = new ArrayList<>();
    Set<Thread> threads = new HashSet<>();

    BundlePlanner.stream(copy, temp.resolve("staging"), TARGET, PlanOptions.defaults(), new PlanListener() {
      @Override
      public void imageReady(ImageSpec image) {
        threads.add(Thread.currentThread());
        heard.add(image.sourceRef());
      }

      @Override
      public void imageBroken(BrokenImage image) {
        threads.add(Thread.currentThread());
        heard.add("broken " + image.sourceRef() + ": " + image.reason());
      }
    });

    assertThat(threads).containsExactly(Thread.currentThread());
    assertThat(heard).hasSize(4);
    assertThat(heard.get(0)).isEqualTo(bundle.images().get(0).reference());
    assertThat(heard.get(1)).startsWith("broken " + bundle.images().get(1).reference())
        .contains("blob " + top.digest()).contains("hashes to");
    assertThat(heard.subList(2, 4))
        .containsExactly(bundle.images().get(2).reference(), bundle.images().get(3).reference());
  }

  @Test
  void aRereadWithAHashRecordHashesNoUnchangedBlobButStillFindsAChangedOne() throws Exception {
    Path copy = copyOf(bundle.layout());
    Path workspace = Files.createDirectories(temp.resolve("workspace"));
    PlanOptions remembering = PlanOptions.defaults().rememberingHashesIn(workspace.resolve("hashed"));
    long blobFiles = fileCount(copy.resolve("blobs/sha256"));
    Thread.sleep(1_100); // files younger than a second are hashed on every read

    RecordingListener first = new RecordingListener();
    assertThat(BundlePlanner.stream(copy, temp.resolve("staging"), TARGET, remembering, first).blobsUnchanged())
        .isZero();
    RecordingListener second = new RecordingListener();
    assertThat(BundlePlanner.stream(copy, temp.resolve("staging"), TARGET, remembering, second).blobsUnchanged())
        .isEqualTo(blobFiles);
    assertThat(second.ready).hasSameSizeAs(first.ready).hasSize(4);

    Descriptor top = layerOf(1, 2);
    BundleDamage.corruptBlob(copy, top.digest().toString());
    RecordingListener third = new RecordingListener();
    BundleSummary summary = BundlePlanner.stream(copy, temp.resolve("staging"), TARGET, remembering, third);

    assertThat(summary.blobsUnchanged()).isEqualTo(blobFiles - 1);
    assertThat(third.broken).singleElement().satisfies(image -> assertThat(image.reason())
        .contains("blob " + top.digest()).contains("hashes to"));
  }

  @Test
  void aCorruptedBlobInATarIsNamed() throws IOException {
    Path copy = copyOf(bundle.layout());
    Descriptor top = layerOf(0, 2);
    BundleDamage.corruptBlob(copy, top.digest().toString());
    Path tar = BundleGenerator.writeTar(copy, temp.resolve("corrupt.tar"));

    assertThatThrownBy(() -> BundlePlanner.stageAndPlan(tar, temp.resolve("staging"), TARGET))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("blob " + top.digest());
  }

  @Test
  void aMissingBlobIsNamedWithTheImageThatNeedsIt() throws IOException {
    Path copy = copyOf(bundle.layout());
    Descriptor middle = layerOf(2, 1);
    Files.delete(copy.resolve("blobs/sha256").resolve(middle.digest().hex()));
    Path tar = BundleGenerator.writeTar(copy, temp.resolve("incomplete.tar"));

    for (Path source : List.of(copy, tar)) {
      assertThatThrownBy(() -> BundlePlanner.stageAndPlan(source, temp.resolve("staging"), TARGET))
          .isInstanceOf(BundleException.class)
          .hasMessageContaining("image " + bundle.images().get(2).reference())
          .hasMessageContaining(middle.digest().toString())
          .hasMessageContaining("not in the bundle");
    }
  }

  @Test
  void namesOfOneManifestInOneRepositoryBecomeTagsOfOneImage() throws IOException {
    GeneratedImage first = bundle.images().get(0);
    Path copy = withIndex(entries -> {
      entries.add(entry(first, PREFIX + "kube-rbac-proxy:latest"));
      entries.add(entry(first, PREFIX + "kube-rbac-proxy-copy:v1"));
      entries.add(entry(first, first.reference())); // listed twice: harmless
    });

    List<ImageSpec> images = BundlePlanner.stageAndPlan(copy, temp, TARGET).images();

    assertThat(images).hasSize(5);
    assertThat(images.get(0).tags()).containsExactly("v0.6.0-gke.0", "latest");
    // The copy needs exactly the first image's blobs, so it is complete with it, before the others.
    ImageSpec copyImage = images.get(1);
    assertThat(copyImage.targetRepository()).isEqualTo("test-namespace/anthos-baremetal-release/kube-rbac-proxy-copy");
    assertThat(copyImage.tags()).containsExactly("v1");
    assertThat(copyImage.manifest()).isEqualTo(images.get(0).manifest());
  }

  @Test
  void oneTagWithTwoDigestsIsRefused() throws IOException {
    Path copy = withIndex(entries -> entries.add(entry(bundle.images().get(1), bundle.images().get(0).reference())));

    assertThatThrownBy(() -> BundlePlanner.stageAndPlan(copy, temp, TARGET))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("duplicate tag " + bundle.images().get(0).reference())
        .hasMessageContaining("with different digests " + bundle.images().get(0).manifestDigest()
            + " and " + bundle.images().get(1).manifestDigest());
  }

  @Test
  void aRefNameCountsOnlyWhenItIsAFullReference() throws IOException {
    GeneratedImage first = bundle.images().get(0);
    Path fullRefName = withIndex(entries -> {
      entries.removeAll();
      entries.add(entry(first, null, PREFIX + "only-ref-name:v2"));
    });
    Path tagOnly = withIndex(entries -> {
      entries.removeAll();
      entries.add(entry(first, null, "v2"));
    });

    assertThat(BundlePlanner.stageAndPlan(fullRefName, temp, TARGET).images().get(0).sourceRef())
        .isEqualTo(PREFIX + "only-ref-name:v2");
    assertThatThrownBy(() -> BundlePlanner.stageAndPlan(tagOnly, temp, TARGET))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("entry " + first.manifestDigest() + " has no usable image name");
  }

  @Test
  void anIndexInsideAnIndexIsFollowed() throws IOException {
    GeneratedImage multiArch = bundle.images().get(3);
    Path copy = copyOf(bundle.layout());
    ObjectNode outer = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_INDEX);
    outer.putArray("manifests").addObject().put("mediaType", multiArch.mediaType())
        .put("digest", multiArch.manifestDigest()).put("size", multiArch.size());
    byte[] outerBytes = JSON.writeValueAsBytes(outer);
    Digest outerDigest = Digest.of(outerBytes);
    Files.write(copy.resolve("blobs/sha256").resolve(outerDigest.hex()), outerBytes);
    rewriteIndex(copy, entries -> entries.addObject().put("mediaType", MediaTypes.OCI_INDEX)
        .put("digest", outerDigest.toString()).put("size", outerBytes.length)
        .putObject("annotations").put("io.containerd.image.name", PREFIX + "nested:v1"));

    List<ImageSpec> images = BundlePlanner.stageAndPlan(copy, temp, TARGET).images();

    ImageSpec nested = images.get(4);
    ImageSpec plain = images.get(3);
    assertThat(nested.childManifests()).hasSize(3).endsWith(plain.manifest())
        .startsWith(plain.childManifests().toArray(Descriptor[]::new));
    assertThat(nested.blobs()).isEqualTo(plain.blobs());
  }

  private static Descriptor layerOf(int image, int layer) throws IOException {
    GeneratedImage generated = bundle.images().get(image);
    Path file = bundle.layout().resolve("blobs/sha256").resolve(Digest.parse(generated.manifestDigest()).hex());
    var node = JSON.readTree(file.toFile()).get("layers").get(layer);
    return new Descriptor(node.get("mediaType").asText(), Digest.parse(node.get("digest").asText()), node.get("size").asLong());
  }

  private static ObjectNode entry(GeneratedImage image, String containerdName) {
    return entry(image, containerdName, null);
  }

  private static ObjectNode entry(GeneratedImage image, String containerdName, String refName) {
    ObjectNode entry = JSON.createObjectNode().put("mediaType", image.mediaType())
        .put("digest", image.manifestDigest()).put("size", image.size());
    ObjectNode annotations = entry.putObject("annotations");
    if (containerdName != null) {
      annotations.put("io.containerd.image.name", containerdName);
    }
    if (refName != null) {
      annotations.put("org.opencontainers.image.ref.name", refName);
    }
    return entry;
  }

  private Path withIndex(Consumer<ArrayNode> edit) throws IOException {
    Path copy = copyOf(bundle.layout());
    rewriteIndex(copy, edit);
    return copy;
  }

  private static void rewriteIndex(Path layout, Consumer<ArrayNode> edit) throws IOException {
    Path indexFile = layout.resolve("index.json");
    ObjectNode index = (ObjectNode) JSON.readTree(indexFile.toFile());
    edit.accept((ArrayNode) index.get("manifests"));
    JSON.writeValue(indexFile.toFile(), index);
  }

  private Path copyOf(Path layout) throws IOException {
    return LayoutEdits.copy(layout, Files.createTempDirectory(temp, "copy"));
  }

  private static long fileCount(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.count();
    }
  }
}
