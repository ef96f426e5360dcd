package dev.mirrorseed.push;

import dev.mirrorseed.events.RequestOffset;
import dev.mirrorseed.events.SharedBlob;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.registry.BlobTransfer;
import dev.mirrorseed.registry.RegistryClient;
import dev.mirrorseed.registry.RegistryException;
import dev.mirrorseed.registry.SideBySide;
import dev.mirrorseed.resilience.RegistryResilience;
import dev.mirrorseed.resilience.RegistryRetry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets the blobs an image's repository lacks into it, side by side: mounted from another repository
 * when the {@link BlobLedger} knows one holding them, uploaded otherwise; how many go at once across
 * the process is the upload bulkhead's call. A blob another thread is sending is waited for, then
 * mounted from where that thread put it, or sent here if it did not land. A blob that an earlier
 * image of the run shares, which a worker of another process may be sending, is waited for in that
 * image's repository and mounted from there: until that image's request is committed, when the request
 * says where it is, else for about as long as sending it at 10 MB/s takes. If it does not land, it is
 * sent there and mounted here, so that image, if still to come, finds it in place.
 */
final class BlobSender {
  /** What sending an image's missing blobs took. */
  record Sent(int uploaded, int mounted, long bytes) {}

  private static final Logger log = LoggerFactory.getLogger(BlobSender.class);

  /**
   * How long a shared blob whose holder's request is not known is waited for at least, and how fast the
   * worker sending it is assumed to be.
   */
  private static final Duration SHARED_BLOB_PATIENCE = Duration.ofSeconds(2);
  private static final long OTHERS_SEND_AT_LEAST_BYTES_PER_SECOND = 10_000_000;
  /**
   * How long a shared blob is waited for at most, its holder's request committed or not: a worker that
   * holds that request longer (stuck, or far behind) no longer holds this push up.
   */
  private static final Duration SHARED_BLOB_PATIENCE_MAX = Duration.ofMinutes(2);
  private static final Duration FIRST_LOOK_AGAIN = Duration.ofMillis(100);
  private static final Duration LOOK_AGAIN_MAX = Duration.ofSeconds(1);

  /**
   * The threads blobs are sent on. Unbounded, because the bulkhead bounds the uploads: a thread beyond
   * its limit only waits, and idle ones end after a minute.
   */
  private static final ExecutorService SENDERS = Executors.newCachedThreadPool(task -> {
    Thread thread = new Thread(task, "blob-sender");
    thread.setDaemon(true);
    return thread;
  });

  private final RegistryClient registry;
  private final BlobLedger ledger;
  private final RegistryResilience resilience;
  private final RegistryRetry.Attempts attempts;
  private final CommittedRequests committed;
  private final String repository;
  private final Path staging;

  BlobSender(RegistryClient registry, BlobLedger ledger, RegistryResilience resilience,
      RegistryRetry.Attempts attempts, CommittedRequests committed, String repository, Path staging) {
    this.registry = registry;
    this.ledger = ledger;
    this.resilience = resilience;
    this.attempts = attempts;
    this.committed = committed;
    this.repository = repository;
    this.staging = staging;
  }

  /**
   * Sends {@code missing}, each blob on its own; {@code shared} holds those an earlier image of the run
   * has too, and {@code waits} hears while this waits for one of them to land in that image's repository.
   */
  Sent send(List<Descriptor> missing, Map<Digest, SharedBlob> shared, SharedBlobWaits waits) {
    AtomicBoolean failed = new AtomicBoolean();
    List<CompletableFuture<BlobTransfer>> sending = new ArrayList<>();
    for (Descriptor blob : missing) {
      CompletableFuture<BlobTransfer> send = CompletableFuture.supplyAsync(
          () -> obtain(blob, shared.get(blob.digest()), waits, failed), SENDERS);
      // A failed send ends this push: the others send nothing more, nor wait out their patience looking.
      send.whenComplete((transfer, error) -> {
        if (error != null) {
          failed.set(true);
        }
      });
      sending.add(send);
    }
    // Every send is waited for, failed ones too: none may go on after the push has ended.
    SideBySide.awaitAll(sending);
    int uploaded = 0;
    int mounted = 0;
    long bytes = 0;
    for (CompletableFuture<BlobTransfer> send : sending) {
      BlobTransfer transfer = send.join();
      uploaded += transfer.mounted() ? 0 : 1;
      mounted += transfer.mounted() ? 1 : 0;
      bytes += transfer.bytesSent();
    }
    return new Sent(uploaded, mounted, bytes);
  }

  /**
   * Gets {@code blob} into this repository: mounted when a holder is known, else looked for in the
   * repository of the earlier image that {@code shared} (may be null) names, else uploaded. While another
   * thread holds the claim on it, waits until that thread is done, then claims it again at once: mounted
   * from where it landed, or sent here if that thread's send ended without it (a thread that looks for it
   * elsewhere holds the claim for a moment too). Put aside until this image's other blobs were done, the
   * base layer every image mounts once went up only after its holder's own 200 MB layer. Returns null
   * when another blob of this push failed meanwhile: this one is then left alone.
   */
  private BlobTransfer obtain(Descriptor blob, SharedBlob shared, SharedBlobWaits waits, AtomicBoolean failed) {
    String holder = shared == null ? null : shared.repository();
    boolean lookedFor = false;
    String through = null;
    while (!failed.get()) {
      Optional<BlobLedger.Claim> claim = ledger.tryClaim(blob.digest(), repository);
      if (claim.isEmpty()) {
        // Waited for holding no claim, and each claim is held only while its blob is sent: no deadlock.
        awaitSentByAnother(blob);
      } else if (claim.get().mountFrom().isEmpty() && holder != null && !holder.equals(repository) && !lookedFor) {
        // Handed back before waiting: the image that puts the blob into holder may be one this process
        // pushes, and it needs the claim to do so.
        claim.get().close();
        lookedFor = true;
        through = missedInHolder(shared, blob, waits, failed) ? holder : null;
      } else {
        return sendClaimed(claim.get(), blob, through);
      }
    }
    return null;
  }

  /** Returns once no other thread of this process holds the claim on {@code blob}. */
  private void awaitSentByAnother(Descriptor blob) {
    try {
      claimEnded(ledger.whenSent(blob.digest()), Long.MAX_VALUE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PushException("interrupted while another push sent " + blob.digest());
    }
  }

  /** Waits up to {@code nanos} for a claim's end (sent, or handed back unsent); true once it came. */
  private static boolean claimEnded(CompletableFuture<Void> end, long nanos) throws InterruptedException {
    try {
      end.get(nanos, TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException("a claim ends by completing, never by failing", e);
    }
  }

  /** Sends a claimed blob; {@code through}, when not null, is the holder where it did not land in time. */
  private BlobTransfer sendClaimed(BlobLedger.Claim claim, Descriptor blob, String through) {
    try (claim) {
      BlobTransfer transfer = claim.mountFrom().isEmpty() && through != null
          ? sendThrough(through, blob)
          : transfer(repository, blob, claim.mountFrom());
      claim.landed();
      return transfer;
    }
  }

  /**
   * Uploads {@code blob} into {@code holder}, the repository of the earlier image that has not put it
   * there in time, then mounts it here: that image then finds it in place instead of sending it again.
   * Uploads it here alone when pushing into {@code holder} is refused.
   */
  private BlobTransfer sendThrough(String holder, Descriptor blob) {
    BlobTransfer there;
    try {
      there = transfer(holder, blob, Optional.empty());
    } catch (RegistryException e) {
      if (!e.accessRefused()) {
        throw e;
      }
      return transfer(repository, blob, Optional.empty());
    }
    ledger.holds(blob.digest(), holder);
    BlobTransfer here = transfer(repository, blob, Optional.of(holder));
    // A registry that does not mount took the bytes twice.
    return here.mounted() ? there : new BlobTransfer(false, there.bytesSent() + here.bytesSent());
  }

  /**
   * Looks for {@code blob} in {@code shared}'s repository (its holder) at once, then again with growing
   * pauses, until the holder's request is committed (or, when the request does not say where that is,
   * for about as long as a worker sending it at 10 MB/s takes), or another blob of this push failed; once
   * it is there the ledger learns so. True when it did not land meanwhile (the holder's push failed, or
   * is still queued when the request does not say where): this push then sends it through the holder.
   * False otherwise, also when the holder may not be looked at (no pull rights): then this push sends it
   * here.
   */
  private boolean missedInHolder(SharedBlob shared, Descriptor blob, SharedBlobWaits waits, AtomicBoolean failed) {
    String holder = shared.repository();
    RequestOffset holderRequest = shared.holderRequest();
    long patience = holderRequest != null ? SHARED_BLOB_PATIENCE_MAX.toNanos()
        : Math.min(SHARED_BLOB_PATIENCE_MAX.toNanos(), SHARED_BLOB_PATIENCE.toNanos()
            + blob.size() * 1_000_000_000L / OTHERS_SEND_AT_LEAST_BYTES_PER_SECOND);
    long started = System.nanoTime();
    long deadline = started + patience;
    Duration pause = FIRST_LOOK_AGAIN;
    boolean waiting = false;
    try {
      while (!failed.get()) {
        if (landed(holder, blob)) {
          log.debug("{} for {}: found in {} after {} ms", blob.digest(), repository, holder,
              (System.nanoTime() - started) / 1_000_000);
          return false;
        }
        if (holderRequest != null && committed.isCommitted(holderRequest)) {
          // Looked at once more: the holder's push may have sent it just before its commit.
          if (landed(holder, blob)) {
            return false;
          }
          log.debug("{} for {}: the push into {} ended without it after {} ms; sending it there", blob.digest(),
              repository, holder, (System.nanoTime() - started) / 1_000_000);
          return true;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          log.debug("{} for {}: not in {} within {} ms; sending it there", blob.digest(), repository, holder,
              patience / 1_000_000);
          return true;
        }
        if (!waiting) {
          waiting = true;
          waits.started();
        }
        if (pausedUntilSentHere(blob, Math.min(pause.toNanos(), left))) {
          // A thread of this process sent it (maybe the image it waits for): mounted from there.
          return false;
        }
        pause = pause.multipliedBy(2).compareTo(LOOK_AGAIN_MAX) > 0 ? LOOK_AGAIN_MAX : pause.multipliedBy(2);
      }
    } catch (RegistryException e) {
      if (!e.accessRefused()) {
        throw e;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PushException("interrupted while waiting for " + blob.digest() + " to land in " + holder);
    } finally {
      if (waiting) {
        waits.ended();
      }
    }
    return false;
  }

  /** Whether {@code holder} has {@code blob}, whole; if so the ledger learns it. */
  private boolean landed(String holder, Descriptor blob) {
    if (ImagePusher.isWhole(attempts.call(() -> registry.blobSize(holder, blob.digest())), blob)) {
      ledger.holds(blob.digest(), holder);
      return true;
    }
    return false;
  }

  /**
   * Pauses {@code nanos}, or less when a thread of this process finishes sending {@code blob}
   * meanwhile: true when this process then knows a repository holding it.
   */
  private boolean pausedUntilSentHere(Descriptor blob, long nanos) throws InterruptedException {
    CompletableFuture<Void> sentHere = ledger.whenSent(blob.digest());
    if (sentHere.isDone()) {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } else {
      claimEnded(sentHere, nanos); // sent here, handed back unsent, or still going: look in the holder again
    }
    return ledger.knowsHolderOf(blob.digest());
  }

  /**
   * One blob into {@code into}, each try in a bulkhead slot, started over when its body failed on the
   * way. A try that failed may still have landed (the registry committed, then the answer was lost or
   * was a 5xx): every later try HEADs first and, when the blob is there with its size, takes it as sent.
   */
  private BlobTransfer transfer(String into, Descriptor blob, Optional<String> mountFrom) {
    Path file = ImagePusher.blobFile(staging, blob.digest());
    AtomicBoolean triedBefore = new AtomicBoolean();
    Supplier<BlobTransfer> oneTry = () -> {
      if (triedBefore.getAndSet(true)) {
        if (ImagePusher.isWhole(registry.blobSize(into, blob.digest()), blob)) {
          return mountFrom.isPresent() ? new BlobTransfer(true, 0) : new BlobTransfer(false, blob.size());
        }
      }
      return mountFrom.isPresent()
          ? registry.mountBlob(into, blob, mountFrom.get(), file)
          : registry.uploadBlob(into, blob, file);
    };
    return attempts.restartable(() -> mountFrom.isPresent()
        ? resilience.mount(oneTry)
        : resilience.upload(blob.size(), oneTry));
  }

}
