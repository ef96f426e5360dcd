package dev.mirrorseed.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.events.PushRequest;
import dev.mirrorseed.events.RequestOffset;
import dev.mirrorseed.events.SharedBlob;
import dev.mirrorseed.events.Writer;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.RegistryServer;
import dev.mirrorseed.fixtures.SlowLink;
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
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pushes generated images into a real distribution registry, each test under its own namespace. */
class ImagePusherTest {
  /**
   * For requests that do not say where their shared blobs' holders are (no holder request): a push then
   * waits about as long as sending the blob would take, and never asks whether a request is committed.
   */
  private static final CommittedRequests NOT_ASKED = request -> {
    throw new AssertionError("asked whether " + request + " is committed");
  };
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
  void aRerunLooksUpTheTagsAndEveryBlobOfTheImageAtOnce() {
    ImageSpec image = plan.images().get(0);
    pusher.push(request(image));
    PushOutcome again;
    int atOnce;
    try (SlowLink far = SlowLink.start(RegistryServer.shared().hostPort(), Duration.ofMillis(100), 50_000_000)) {
      RegistryClient throughIt = new RegistryClient(RegistryEndpoint.of(far.hostPort(), false),
          RegistryAccess.defaults(), resilience.exchanges());
      try {
        again = new ImagePusher(throughIt, resilience, new BlobLedger()).push(request(image));
      } finally {
        throughIt.close();
      }
      atOnce = far.stats().maxExchangesInFlight();
    }

    assertThat(again.blobsSkipped()).isEqualTo(image.blobs().size());
    assertThat(again.bytesUploaded()).isZero();
    // 100 ms each: one after another, they would never overlap.
    assertThat(atOnce).as("lookups in flight at once").isGreaterThanOrEqualTo(image.blobs().size() + 1);
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
  void twoProcessesPushingImagesThatShareLayersSendEachLayerOnceTheLaterImageWaitingAndMounting() throws Exception {
    ImageSpec first = plan.images().get(0);
    ImageSpec second = plan.images().get(1);
    List<SharedBlob> shared = sharedWith(first, second);
    Set<Descriptor> distinct = new HashSet<>(first.blobs());
    distinct.addAll(second.blobs());
    // Another process: a client and a ledger of its own, as a `work` process elsewhere has.
    RegistryClient elsewhere = new RegistryClient(RegistryEndpoint.of(RegistryServer.shared().hostPort(), false),
        RegistryAccess.defaults(), resilience.exchanges());
    AtomicInteger waited = new AtomicInteger();
    SharedBlobWaits counting = new SharedBlobWaits() {
      @Override
      public void started() {
        waited.incrementAndGet();
      }

      @Override
      public void ended() {}
    };
    ExecutorService threads = Executors.newFixedThreadPool(2);
    PushOutcome one;
    PushOutcome two;
    try {
      // The later image first, so that it finds the shared layers not there yet.
      Future<PushOutcome> later = threads.submit(() -> new ImagePusher(elsewhere, resilience, new BlobLedger(), NOT_ASKED)
          .push(request(second, shared), counting));
      Thread.sleep(300);
      one = new ImagePusher(registry, resilience, new BlobLedger(), NOT_ASKED).push(request(first, List.of()));
      two = later.get();
    } finally {
      threads.shutdown();
      elsewhere.close();
    }

    assertThat(shared).hasSize(2);
    assertThat(waited.get()).as("shared blobs waited for").isPositive();
    assertThat(two.blobsMounted()).isEqualTo(shared.size());
    long distinctBytes = distinct.stream().mapToLong(Descriptor::size).sum();
    assertThat(one.bytesUploaded() + two.bytesUploaded()).isEqualTo(distinctBytes);
    assertThat(registry.bytesUploaded() + elsewhere.bytesUploaded()).isEqualTo(distinctBytes);
    assertThat(registry.getManifest(second.targetRepository(), second.tags().get(0)).digest())
        .isEqualTo(second.manifest().digest());
  }

  @Test
  void aProcessPushingTheLaterImageFirstLetsItsOwnEarlierImageSendTheSharedLayersRatherThanWaitItOut()
      throws Exception {
    ImageSpec first = plan.images().get(0);
    ImageSpec second = plan.images().get(1);
    List<SharedBlob> shared = sharedWith(first, second);
    Set<Descriptor> distinct = new HashSet<>(first.blobs());
    distinct.addAll(second.blobs());
    BlobLedger ledger = new BlobLedger();
    ExecutorService threads = Executors.newFixedThreadPool(1);
    PushOutcome one;
    PushOutcome two;
    long started = System.nanoTime();
    try {
      Future<PushOutcome> later = threads.submit(() -> new ImagePusher(registry, resilience, ledger, NOT_ASKED)
          .push(request(second, shared)));
      Thread.sleep(300);
      one = new ImagePusher(registry, resilience, ledger, NOT_ASKED).push(request(first, List.of()));
      two = later.get();
    } finally {
      threads.shutdown();
    }

    // Waiting out its patience (at least 2 s) would mean the later image held what the first needed.
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    assertThat(two.blobsMounted()).isEqualTo(shared.size());
    assertThat(one.bytesUploaded() + two.bytesUploaded())
        .isEqualTo(distinct.stream().mapToLong(Descriptor::size).sum());
  }

  /**
   * Another thread of this process holds the claim on a layer, then hands it back unsent, as one does
   * that only looks for it in another repository. The image must send it then, not after its largest
   * layer: in a run of two processes its holder sent the base layer every image mounts only after its
   * own 200 MB layer, and every other image waited for that.
   */
  @Test
  void aLayerAnotherThreadHandsBackUnsentIsSentAtOnceNotAfterTheImagesLargestLayer() throws Exception {
    String hostPort = RegistryServer.shared().hostPort();
    Path layout = BundleGenerator.generate(BundleSpec.of(2, 3_600_000).withLargestLayer(3_000_000),
        dir.resolve("large-bundle")).layout();
    BundlePlan large = BundlePlanner.stageAndPlan(layout, dir.resolve("large-staging"),
        new MirrorTarget(hostPort, "pusher-" + UUID.randomUUID().toString().substring(0, 8)));
    ImageSpec first = large.images().get(0);
    Set<Descriptor> secondsBlobs = new HashSet<>(large.images().get(1).blobs());
    Descriptor largest = first.blobs().stream().max(Comparator.comparingLong(Descriptor::size)).orElseThrow();
    Descriptor handedBack = first.blobs().stream().filter(secondsBlobs::contains)
        .max(Comparator.comparingLong(Descriptor::size)).orElseThrow();
    BlobLedger ledger = new BlobLedger();
    BlobLedger.Claim othersClaim = ledger.tryClaim(handedBack.digest(), "another/repository").orElseThrow();
    boolean largestThereFirst;
    ExecutorService threads = Executors.newSingleThreadExecutor();
    // 1 MB/s per connection: the 3 MB layer takes 3 s, the handed-back one under 0.2 s.
    try (SlowLink slow = SlowLink.start(hostPort, Duration.ZERO, 1_000_000)) {
      RegistryClient throughIt = new RegistryClient(RegistryEndpoint.of(slow.hostPort(), false),
          RegistryAccess.defaults(), resilience.exchanges());
      try {
        Future<PushOutcome> push = threads.submit(() -> new ImagePusher(throughIt, resilience, ledger)
            .push(new PushRequest("test-run", Instant.now(), first, large.staging().toString(), Writer.current())));
        Thread.sleep(300);
        othersClaim.close();
        while (!push.isDone() && !isThere(first, handedBack)) {
          Thread.sleep(10);
        }
        largestThereFirst = isThere(first, largest);
        assertThat(push.get().pushedDigest()).isEqualTo(first.manifest().digest());
      } finally {
        threads.shutdown();
        throughIt.close();
      }
    }

    assertThat(largestThereFirst).as("the largest layer landed before the one handed back at 300 ms").isFalse();
  }

  @Test
  void aSharedBlobThatDoesNotLandInTimeIsSentWhereTheEarlierImageFindsIt() {
    ImageSpec first = plan.images().get(0);
    ImageSpec second = plan.images().get(1);
    List<SharedBlob> shared = sharedWith(first, second);
    long started = System.nanoTime();

    PushOutcome outcome = new ImagePusher(registry, resilience, new BlobLedger(), NOT_ASKED).push(request(second, shared));

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(outcome.blobsUploaded()).isEqualTo(second.blobs().size());
    assertThat(outcome.bytesUploaded()).isEqualTo(second.totalBlobBytes());
    assertThat(outcome.pushedDigest()).isEqualTo(second.manifest().digest());
    // The earlier image, pushed late by another process, finds the shared blobs in place.
    PushOutcome late = new ImagePusher(registry, resilience, new BlobLedger(), NOT_ASKED).push(request(first, List.of()));
    assertThat(late.blobsSkipped()).isEqualTo(shared.size());
    assertThat(late.bytesUploaded()).isEqualTo(first.totalBlobBytes() - sharedBytes(first, shared));
  }

  @Test
  void aSharedBlobIsWaitedForUntilTheRequestOfItsHolderIsCommittedLongerThanSendingItWouldTake() throws Exception {
    ImageSpec first = plan.images().get(0);
    ImageSpec second = plan.images().get(1);
    List<SharedBlob> shared = sharedWith(first, second, new RequestOffset(0, 7));
    RegistryClient elsewhere = new RegistryClient(RegistryEndpoint.of(RegistryServer.shared().hostPort(), false),
        RegistryAccess.defaults(), resilience.exchanges());
    AtomicBoolean firstCommitted = new AtomicBoolean();
    CommittedRequests commits = request -> request.equals(new RequestOffset(0, 7)) && firstCommitted.get();
    ExecutorService threads = Executors.newFixedThreadPool(1);
    PushOutcome two;
    try {
      Future<PushOutcome> later = threads.submit(() -> new ImagePusher(elsewhere, resilience, new BlobLedger(),
          commits).push(request(second, shared)));
      // Longer than the 2.3 s at most a blob of these sizes is waited for when its holder's request is not known:
      // the first image's worker is busy elsewhere, and gets to it late.
      Thread.sleep(3_000);
      assertThat(later).isNotDone();
      new ImagePusher(registry, resilience, new BlobLedger(), NOT_ASKED).push(request(first, List.of()));
      firstCommitted.set(true);
      two = later.get();
    } finally {
      threads.shutdown();
      elsewhere.close();
    }

    long sharedBytes = sharedBytes(second, shared);
    assertThat(two.blobsMounted()).isEqualTo(shared.size());
    assertThat(two.bytesUploaded()).isEqualTo(second.totalBlobBytes() - sharedBytes);
    assertThat(registry.getManifest(second.targetRepository(), second.tags().get(0)).digest())
        .isEqualTo(second.manifest().digest());
  }

  @Test
  void aSharedBlobIsSentAtOnceWhenTheRequestOfItsHolderIsCommittedWithoutIt() {
    ImageSpec first = plan.images().get(0);
    ImageSpec second = plan.images().get(1);
    List<SharedBlob> shared = sharedWith(first, second, new RequestOffset(0, 7));
    // The first image's push failed: its request is committed, its blobs never sent.
    CommittedRequests commits = request -> true;
    long started = System.nanoTime();

    PushOutcome outcome = new ImagePusher(registry, resilience, new BlobLedger(), commits)
        .push(request(second, shared));

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    assertThat(outcome.bytesUploaded()).isEqualTo(second.totalBlobBytes());
    // Sent through the first image's repository, where that image, pushed again, finds them.
    PushOutcome again = new ImagePusher(registry, resilience, new BlobLedger(), NOT_ASKED).push(request(first, List.of()));
    assertThat(again.bytesUploaded()).isEqualTo(first.totalBlobBytes() - sharedBytes(first, shared));
  }

  @Test
  void aPushInOneProcessIgnoresTheSharedBlobsARequestNames() {
    ImageSpec first = plan.images().get(0);
    ImageSpec second = plan.images().get(1);
    long started = System.nanoTime();

    PushOutcome outcome = pusher.push(request(second, sharedWith(first, second)));

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    assertThat(outcome.blobsUploaded()).isEqualTo(second.blobs().size());
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

  private PushRequest request(ImageSpec image, List<SharedBlob> shared) {
    return new PushRequest("test-run", Instant.now(), image, plan.staging().toString(), Writer.current(), shared);
  }

  /** {@code later}'s blobs that {@code earlier} has too, held in {@code earlier}'s repository. */
  private static List<SharedBlob> sharedWith(ImageSpec earlier, ImageSpec later) {
    return sharedWith(earlier, later, null);
  }

  /** As above, {@code earlier}'s request at {@code holderRequest}. */
  private static List<SharedBlob> sharedWith(ImageSpec earlier, ImageSpec later, RequestOffset holderRequest) {
    Set<Descriptor> theirs = new HashSet<>(earlier.blobs());
    return later.blobs().stream().filter(theirs::contains)
        .map(blob -> new SharedBlob(blob.digest(), earlier.targetRepository(), holderRequest)).toList();
  }

  /** Whether the registry has {@code blob} whole in {@code image}'s repository. */
  private boolean isThere(ImageSpec image, Descriptor blob) {
    return ImagePusher.isWhole(registry.blobSize(image.targetRepository(), blob.digest()), blob);
  }

  /** The bytes of {@code image}'s blobs that are {@code shared}. */
  private static long sharedBytes(ImageSpec image, List<SharedBlob> shared) {
    return image.blobs().stream().filter(blob -> shared.stream().anyMatch(s -> s.digest().equals(blob.digest())))
        .mapToLong(Descriptor::size).sum();
  }
}
