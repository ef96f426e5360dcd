package dev.mirrorseed.push;

import dev.mirrorseed.oci.Digest;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What this process knows about one registry's blobs while it pushes: a repository holding each blob,
 * and which blobs one of its threads is sending right now. A pusher that lacks a blob takes a
 * {@link Claim} (and mounts the blob from a holder when there is one) or, while another thread holds
 * the claim, waits and then mounts from where that thread put it; so images that share a layer send
 * it once per process, even when they are pushed at the same moment into different repositories.
 *
 * <p>Each process has its own ledger: workers in other processes (other machines) do not see it. There
 * a request's {@code sharedBlobs} tell where an earlier image puts a shared layer, and {@link BlobSender}
 * waits for it there. Thread-safe.
 */
public final class BlobLedger {
  private final Map<Digest, String> holders = new HashMap<>();
  private final Map<Digest, CompletableFuture<Void>> sending = new HashMap<>();

  /** The right to send one blob into one repository; {@link #close()} hands it back to waiting threads. */
  public final class Claim implements AutoCloseable {
    private final Digest blob;
    private final String repository;
    private final String mountFrom;

    private Claim(Digest blob, String repository, String mountFrom) {
      this.blob = blob;
      this.repository = repository;
      this.mountFrom = mountFrom;
    }

    /** Another repository of the registry that holds the blob, to mount it from instead of uploading. */
    public Optional<String> mountFrom() {
      return Optional.ofNullable(mountFrom);
    }

    /** The blob is now in the claim's repository: later pushers mount it from there. */
    public void landed() {
      holds(blob, repository);
    }

    @Override
    public void close() {
      CompletableFuture<Void> done;
      synchronized (BlobLedger.this) {
        done = sending.remove(blob);
      }
      // Completed outside the lock: waiters continue on this thread and come back for a claim.
      done.complete(null);
    }
  }

  /**
   * The claim on {@code blob} for {@code repository}, or empty while another thread holds it (then wait
   * on {@link #whenSent}). A holder that is {@code repository} itself is ignored: the caller just found
   * the blob missing there, so what this ledger remembers is stale (the blob was deleted since).
   */
  public synchronized Optional<Claim> tryClaim(Digest blob, String repository) {
    if (sending.containsKey(blob)) {
      return Optional.empty();
    }
    sending.put(blob, new CompletableFuture<>());
    String holder = holders.get(blob);
    return Optional.of(new Claim(blob, repository, repository.equals(holder) ? null : holder));
  }

  /** Completes when no thread holds a claim on {@code blob} any more (at once if none does). */
  public synchronized CompletableFuture<Void> whenSent(Digest blob) {
    return sending.getOrDefault(blob, CompletableFuture.completedFuture(null));
  }

  /** Whether a repository holding {@code blob} is known: it can be mounted from there. */
  public synchronized boolean knowsHolderOf(Digest blob) {
    return holders.containsKey(blob);
  }

  /** {@code repository} has {@code blob} (found by HEAD, or just sent): a source to mount it from. */
  public synchronized void holds(Digest blob, String repository) {
    holders.put(blob, repository);
  }
}
