package dev.mirrorseed.push;

import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.registry.BlobTransfer;
import dev.mirrorseed.registry.RegistryClient;
import dev.mirrorseed.resilience.RegistryResilience;
import dev.mirrorseed.resilience.RegistryRetry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Gets the blobs an image's repository lacks into it, side by side: mounted from another repository
 * when the {@link BlobLedger} knows one holding them, uploaded otherwise; how many go at once across
 * the process is the upload bulkhead's call. A blob another thread is sending is put aside until this
 * image's other blobs are done, then mounted from where that thread put it.
 */
final class BlobSender {
  /** What sending an image's missing blobs took. */
  record Sent(int uploaded, int mounted, long bytes) {}

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
  private final String repository;
  private final Path staging;

  BlobSender(RegistryClient registry, BlobLedger ledger, RegistryResilience resilience,
      RegistryRetry.Attempts attempts, String repository, Path staging) {
    this.registry = registry;
    this.ledger = ledger;
    this.resilience = resilience;
    this.attempts = attempts;
    this.repository = repository;
    this.staging = staging;
  }

  Sent send(List<Descriptor> missing) {
    List<Descriptor> ready = missing;
    int uploaded = 0;
    int mounted = 0;
    long bytes = 0;
    while (!ready.isEmpty()) {
      List<CompletableFuture<BlobTransfer>> sending = new ArrayList<>();
      Map<Descriptor, CompletableFuture<Void>> elsewhere = new LinkedHashMap<>();
      for (Descriptor blob : ready) {
        Optional<BlobLedger.Claim> claim = ledger.tryClaim(blob.digest(), repository);
        if (claim.isEmpty()) {
          elsewhere.put(blob, ledger.whenSent(blob.digest()));
        } else {
          sending.add(CompletableFuture.supplyAsync(() -> sendClaimed(claim.get(), blob), SENDERS));
        }
      }
      // Every send is waited for, failed ones too: none may go on after the push has ended.
      RuntimeException failure = null;
      for (CompletableFuture<BlobTransfer> send : sending) {
        try {
          BlobTransfer transfer = send.join();
          uploaded += transfer.mounted() ? 0 : 1;
          mounted += transfer.mounted() ? 1 : 0;
          bytes += transfer.bytesSent();
        } catch (CompletionException e) {
          failure = failure != null ? failure : unwrap(e);
        }
      }
      if (failure != null) {
        throw failure;
      }
      // Waited for holding no claim, and each claim is held only while its blob is sent: no deadlock.
      elsewhere.values().forEach(CompletableFuture::join);
      ready = new ArrayList<>(elsewhere.keySet());
    }
    return new Sent(uploaded, mounted, bytes);
  }

  private BlobTransfer sendClaimed(BlobLedger.Claim claim, Descriptor blob) {
    try (claim) {
      BlobTransfer transfer = transfer(blob, claim.mountFrom());
      claim.landed();
      return transfer;
    }
  }

  /**
   * One blob, each try in a bulkhead slot, started over when its body failed on the way. A try that
   * failed may still have landed (the registry committed, then the answer was lost or was a 5xx): every
   * later try HEADs first and, when the blob is there with its size, takes it as sent.
   */
  private BlobTransfer transfer(Descriptor blob, Optional<String> mountFrom) {
    Path file = ImagePusher.blobFile(staging, blob.digest());
    AtomicBoolean triedBefore = new AtomicBoolean();
    return attempts.restartable(() -> resilience.upload(() -> {
      if (triedBefore.getAndSet(true)) {
        OptionalLong present = registry.blobSize(repository, blob.digest());
        if (present.isPresent() && present.getAsLong() == blob.size()) {
          return mountFrom.isPresent() ? new BlobTransfer(true, 0) : new BlobTransfer(false, blob.size());
        }
      }
      return mountFrom.isPresent()
          ? registry.mountBlob(repository, blob, mountFrom.get(), file)
          : registry.uploadBlob(repository, blob, file);
    }));
  }

  private static RuntimeException unwrap(CompletionException e) {
    if (e.getCause() instanceof RuntimeException cause) {
      return cause;
    }
    if (e.getCause() instanceof Error error) {
      throw error;
    }
    return e;
  }
}
