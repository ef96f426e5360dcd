package dev.mirrorseed.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.events.PushRequest;
import dev.mirrorseed.events.Writer;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.RegistryServer;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.plan.BundlePlan;
import dev.mirrorseed.plan.BundlePlanner;
import dev.mirrorseed.reference.MirrorTarget;
import dev.mirrorseed.registry.RegistryAccess;
import dev.mirrorseed.registry.RegistryClient;
import dev.mirrorseed.registry.RegistryEndpoint;
import dev.mirrorseed.resilience.RegistryResilience;
import dev.mirrorseed.resilience.RegistryRetry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pushes generated images into a real distribution registry, each test under its own namespace. */
class ImagePusherTest {
  @TempDir Path dir;
  private RegistryResilience resilience;
  private RegistryClient registry;
  private ImagePusher pusher;
  private BundlePlan plan;

  @BeforeEach
  void planABundle() {
    String hostPort = RegistryServer.shared().hostPort();
    resilience = RegistryResilience.retryOnly(hostPort, RegistryRetry.defaults());
    registry = new RegistryClient(RegistryEndpoint.of(hostPort, false), RegistryAccess.defaults(), resilience.exchanges());
    pusher = new ImagePusher(registry, resilience, new BlobLedger());
    Path layout = BundleGenerator.generate(BundleSpec.of(2, 3_000_000).withMultiArch(true), dir.resolve("bundle")).layout();
    String namespace = "pusher-" + UUID.randomUUID().toString().substring(0, 8);
    plan = BundlePlanner.stageAndPlan(layout, dir.resolve("staging"), new MirrorTarget(hostPort, namespace));
  }

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void pushedImageResolvesToTheBundlesDigest() {
    ImageSpec image = plan.images().get(0);

    PushOutcome outcome = pusher.push(request(image));

    assertThat(outcome.pushedDigest()).isEqualTo(image.manifest().digest());
    assertThat(outcome.blobsUploaded()).isEqualTo(image.blobs().size());
    assertThat(outcome.bytesUploaded()).isEqualTo(image.totalBlobBytes());
    assertThat(registry.getManifest(image.targetRepository(), image.tags().get(0)).digest())
        .isEqualTo(image.manifest().digest());
  }

  @Test
  void multiArchIndexIsPushedWithEveryChildManifest() {
    ImageSpec index = plan.images().stream().filter(i -> !i.childManifests().isEmpty()).findFirst().orElseThrow();

    pusher.push(request(index));

    for (Descriptor child : index.childManifests()) {
      assertThat(registry.getManifest(index.targetRepository(), child.digest().toString()).digest())
          .isEqualTo(child.digest());
    }
    assertThat(registry.getManifest(index.targetRepository(), index.tags().get(0)).digest())
        .isEqualTo(index.manifest().digest());
  }

  @Test
  void pushSkipsBlobsTheRegistryAlreadyHas() {
    ImageSpec image = plan.images().get(0);
    pusher.push(request(image));
    long sentBefore = registry.bytesUploaded();

    PushOutcome again = pusher.push(request(image));

    assertThat(again.blobsUploaded()).isZero();
    assertThat(again.blobsSkipped()).isEqualTo(image.blobs().size());
    assertThat(again.bytesUploaded()).isZero();
    assertThat(registry.bytesUploaded()).isEqualTo(sentBefore);
  }

  @Test
  void imagesSharingLayersPushedAtOnceSendEachLayerOnceAndMountItInTheOtherRepository() throws Exception {
    ImageSpec first = plan.images().get(0);
    ImageSpec second = plan.images().get(1);
    Set<Descriptor> shared = new HashSet<>(first.blobs());
    shared.retainAll(second.blobs());
    Set<Descriptor> distinct = new HashSet<>(first.blobs());
    distinct.addAll(second.blobs());
    BlobLedger ledger = new BlobLedger();
    CyclicBarrier together = new CyclicBarrier(2);
    ExecutorService threads = Executors.newFixedThreadPool(2);

    List<Future<PushOutcome>> outcomes;
    try {
      outcomes = threads.invokeAll(List.of(first, second).stream().map(image -> (Callable<PushOutcome>) () -> {
        together.await();
        return new ImagePusher(registry, resilience, ledger).push(request(image));
      }).toList());
    } finally {
      threads.shutdown();
    }
    PushOutcome one = outcomes.get(0).get();
    PushOutcome two = outcomes.get(1).get();

    assertThat(shared).hasSize(2);
    assertThat(one.blobsMounted() + two.blobsMounted()).isEqualTo(shared.size());
    assertThat(one.blobsUploaded() + two.blobsUploaded()).isEqualTo(distinct.size());
    long distinctBytes = distinct.stream().mapToLong(Descriptor::size).sum();
    assertThat(registry.bytesUploaded()).isEqualTo(distinctBytes);
    assertThat(one.bytesUploaded() + two.bytesUploaded()).isEqualTo(distinctBytes);
    for (ImageSpec image : List.of(first, second)) {
      assertThat(registry.getManifest(image.targetRepository(), image.tags().get(0)).digest())
          .isEqualTo(image.manifest().digest());
    }
  }

  @Test
  void blobMissingFromStagingFailsNamingItAndTheStore() throws Exception {
    ImageSpec image = plan.images().get(0);
    Descriptor layer = image.blobs().get(image.blobs().size() - 1);
    Files.delete(plan.staging().resolve("blobs/sha256").resolve(layer.digest().hex()));

    assertThatThrownBy(() -> pusher.push(request(image)))
        .isInstanceOf(PushFailure.class)
        .hasMessageContaining(layer.digest().toString())
        .hasMessageContaining("missing from the staging store")
        .cause().isInstanceOf(PushException.class);
  }

  private PushRequest request(ImageSpec image) {
    return new PushRequest("test-run", Instant.now(), image, plan.staging().toString(), Writer.current());
  }
}
