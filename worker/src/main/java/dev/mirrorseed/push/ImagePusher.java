package dev.mirrorseed.push;

import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.events.PushRequest;
import dev.mirrorseed.events.SharedBlob;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.registry.RegistryClient;
import dev.mirrorseed.registry.SideBySide;
import dev.mirrorseed.resilience.RegistryHealth;
import dev.mirrorseed.resilience.RegistryResilience;
import dev.mirrorseed.resilience.RegistryRetry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Pushes one image the way a registry expects it: blobs first (skipping those already there, mounting
 * those another repository holds, uploading the rest side by side), then each child manifest of an
 * index by digest, then the top manifest under every tag, all byte-for-byte from the staging store.
 * Every registry call goes through the registry's {@link RegistryResilience}: retries, its circuit
 * breaker, and for uploads its bulkhead.
 */
public final class ImagePusher implements ImagePush {
  private final RegistryClient registry;
  private final RegistryResilience resilience;
  private final BlobLedger ledger;
  /** Empty when no other process pushes this process's runs. */
  private final Optional<CommittedRequests> othersCommits;

  /**
   * {@code resilience} and {@code ledger} are shared by every pusher of this process to the same
   * registry, whose client makes its exchanges under {@code resilience.exchanges()}.
   */
  public ImagePusher(RegistryClient registry, RegistryResilience resilience, BlobLedger ledger) {
    this(registry, resilience, ledger, Optional.empty());
  }

  /**
   * As above, where workers of other processes push the same runs into this registry: a blob that a
   * request says an earlier image shares ({@code PushRequest.sharedBlobs}) is then waited for in that
   * image's repository and mounted from there, rather than sent once more per process (within one
   * process the {@code ledger} does that already). It is waited for until {@code othersCommits} says
   * the earlier image's request is committed, its push over; when the request does not say where that
   * is, for about as long as sending the blob would take.
   */
  public ImagePusher(RegistryClient registry, RegistryResilience resilience, BlobLedger ledger,
      CommittedRequests othersCommits) {
    this(registry, resilience, ledger, Optional.of(othersCommits));
  }

  private ImagePusher(RegistryClient registry, RegistryResilience resilience, BlobLedger ledger,
      Optional<CommittedRequests> othersCommits) {
    this.registry = registry;
    this.resilience = resilience;
    this.ledger = ledger;
    this.othersCommits = othersCommits;
    resilience.metrics().uploadBytes(registry, RegistryClient::bytesUploaded);
  }

  /**
   * Pushes the image unless the registry is down: then waits until it answers, and pushes again what
   * the outage broke off, rather than report a failure the registry's restart would have fixed.
   * Measures the push, the wait included.
   */
  private PushOutcome pushWhenAvailable(PushRequest request, RegistryRetry.Attempts attempts, SharedBlobWaits waits) {
    long started = System.nanoTime();
    RegistryHealth health = resilience.health();
    while (true) {
      health.awaitAvailable(registry::ping);
      try {
        PushOutcome outcome = push(request, attempts, waits);
        resilience.metrics().imagePushed(outcome, System.nanoTime() - started);
        return outcome;
      } catch (RuntimeException e) {
        if (!health.shouldWaitOut(e)) {
          resilience.metrics().imageFailed(System.nanoTime() - started);
          throw e;
        }
        attempts.resumedAfter(e);
      }
    }
  }

  /**
   * The whole push as a worker runs it: waits out registry outages, and fails with a
   * {@link PushFailure} that says how many tries it took.
   */
  @Override
  public PushOutcome push(PushRequest request) {
    return push(request, SharedBlobWaits.NONE);
  }

  @Override
  public PushOutcome push(PushRequest request, SharedBlobWaits waits) {
    RegistryRetry.Attempts attempts = resilience.newAttempts(RegistryResilience.PUSH);
    try {
      return pushWhenAvailable(request, attempts, waits);
    } catch (RuntimeException e) {
      throw new PushFailure(e, attempts.count());
    }
  }

  /** One try at the whole image; {@code attempts} counts the retries of its registry calls. */
  private PushOutcome push(PushRequest request, RegistryRetry.Attempts attempts, SharedBlobWaits waits) {
    ImageSpec image = request.image();
    Path staging = Path.of(request.staging());
    String repository = image.targetRepository();
    // Asked all at once (SideBySide).
    CompletableFuture<Boolean> tagsChecked = SideBySide.start(() -> tagsResolveToTheBundlesDigest(attempts, image));
    List<CompletableFuture<OptionalLong>> sizes = image.blobs().stream()
        .map(blob -> SideBySide.start(() -> attempts.call(() -> registry.blobSize(repository, blob.digest()))))
        .toList();
    SideBySide.awaitAll(Stream.concat(Stream.of(tagsChecked), sizes.stream()).toList());
    boolean tagsInPlace = tagsChecked.join();
    List<OptionalLong> present = sizes.stream().map(CompletableFuture::join).toList();
    List<Descriptor> missing = new ArrayList<>();
    for (int i = 0; i < image.blobs().size(); i++) {
      Descriptor blob = image.blobs().get(i);
      if (isWhole(present.get(i), blob)) {
        ledger.holds(blob.digest(), repository);
      } else {
        blobFile(staging, blob.digest()); // a blob the staging store lost fails the image before any upload
        missing.add(blob);
      }
    }
    if (tagsInPlace && missing.isEmpty()) {
      // Already mirrored (a rerun): nothing is written, so the registry's tags are left as they are.
      return new PushOutcome(image.manifest().digest(), 0, image.blobs().size(), 0, 0, attempts.count());
    }
    Map<Digest, SharedBlob> shared = new HashMap<>();
    if (othersCommits.isPresent()) {
      request.sharedBlobs().forEach(blob -> shared.put(blob.digest(), blob));
    }
    BlobSender.Sent sent = new BlobSender(registry, ledger, resilience, attempts,
        othersCommits.orElse(CommittedRequests.NONE), repository, staging).send(missing, shared, waits);
    for (Descriptor child : image.childManifests()) {
      putManifest(attempts, staging, repository, child, child.digest().toString());
    }
    Digest pushed = null;
    for (String tag : image.tags()) {
      pushed = putManifest(attempts, staging, repository, image.manifest(), tag);
    }
    return new PushOutcome(pushed, sent.uploaded(), image.blobs().size() - missing.size(), sent.mounted(),
        sent.bytes(), attempts.count());
  }

  /**
   * Whether every tag already names the bundle's manifest. Blobs are still checked after it: a blob
   * lost from the registry since must be sent again, or a rerun could never repair the image.
   */
  private boolean tagsResolveToTheBundlesDigest(RegistryRetry.Attempts attempts, ImageSpec image) {
    for (String tag : image.tags()) {
      Optional<Digest> there = attempts.call(() -> registry.manifestDigest(image.targetRepository(), tag));
      if (!there.equals(Optional.of(image.manifest().digest()))) {
        return false;
      }
    }
    return true;
  }

  private Digest putManifest(
      RegistryRetry.Attempts attempts, Path staging, String repository, Descriptor manifest, String reference) {
    byte[] bytes = readBlob(staging, manifest.digest());
    Digest answered = attempts.call(
        () -> registry.putManifest(repository, reference, manifest.mediaType(), bytes));
    if (!answered.equals(manifest.digest())) {
      throw new PushException(
          "registry stored " + repository + ":" + reference + " as " + answered
              + " but the bundle's manifest is " + manifest.digest()
              + ": the registry rewrote the manifest; mirror to a registry that keeps manifests as pushed");
    }
    return answered;
  }

  /**
   * Whether a registry's answer to a HEAD of {@code blob} (its size; empty when it has none) means it
   * holds that blob whole: any other size is not the blob this push would send.
   */
  static boolean isWhole(OptionalLong sizeThere, Descriptor blob) {
    return sizeThere.isPresent() && sizeThere.getAsLong() == blob.size();
  }

  static Path blobFile(Path staging, Digest digest) {
    Path file = staging.resolve("blobs").resolve(Digest.ALGORITHM).resolve(digest.hex());
    if (!Files.isRegularFile(file)) {
      throw new PushException("blob " + digest + " is missing from the staging store " + staging
          + ": rerun the producer on the bundle, or check that --staging is shared by every worker");
    }
    return file;
  }

  private static byte[] readBlob(Path staging, Digest digest) {
    try {
      return Files.readAllBytes(blobFile(staging, digest));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
