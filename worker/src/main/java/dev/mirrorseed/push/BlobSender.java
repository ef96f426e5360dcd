package dev.mirrorseed.push;

import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.registry.BlobTransfer;
import dev.mirrorseed.registry.RegistryClient;
import dev.mirrorseed.resilience.RegistryRetry;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Gets the blobs an image's repository lacks into it: mounted from another repository when the
 * {@link BlobLedger} knows one holding them, uploaded otherwise. A blob another thread is sending is
 * put aside until this image's other blobs are done, then mounted from where that thread put it.
 */
final class BlobSender {
  /** What sending an image's missing blobs took. */
  record Sent(int uploaded, int mounted, long bytes) {}

  private final RegistryClient registry;
  private final BlobLedger ledger;
  private final RegistryRetry.Attempts attempts;
  private final String repository;
  private final Path staging;

  BlobSender(RegistryClient registry, BlobLedger ledger, RegistryRetry.Attempts attempts, String repository,
      Path staging) {
    this.registry = registry;
    this.ledger = ledger;
    this.attempts = attempts;
    this.repository = repository;
    this.staging = staging;
  }

  Sent send(List<Descriptor> missing) {
    Deque<Descriptor> ready = new ArrayDeque<>(missing);
    Map<Descriptor, CompletableFuture<Void>> elsewhere = new LinkedHashMap<>();
    int uploaded = 0;
    int mounted = 0;
    long bytes = 0;
    while (!ready.isEmpty() || !elsewhere.isEmpty()) {
      if (ready.isEmpty()) {
        // Each claim is held only while its blob is sent, never while waiting, so this cannot deadlock.
        Descriptor next = elsewhere.keySet().iterator().next();
        elsewhere.remove(next).join();
        ready.add(next);
        continue;
      }
      Descriptor blob = ready.poll();
      Optional<BlobLedger.Claim> claim = ledger.tryClaim(blob.digest(), repository);
      if (claim.isEmpty()) {
        elsewhere.put(blob, ledger.whenSent(blob.digest()));
        continue;
      }
      try (BlobLedger.Claim mine = claim.get()) {
        BlobTransfer transfer = transfer(blob, mine.mountFrom());
        mine.landed();
        if (transfer.mounted()) {
          mounted++;
        } else {
          uploaded++;
        }
        bytes += transfer.bytesSent();
      }
    }
    return new Sent(uploaded, mounted, bytes);
  }

  /**
   * One blob under the retry policy. An attempt that failed may still have landed (the registry
   * committed, then the answer was lost or was a 5xx): every retry HEADs first and, when the blob is
   * there with its size, takes it as sent instead of sending it again.
   */
  private BlobTransfer transfer(Descriptor blob, Optional<String> mountFrom) {
    Path file = ImagePusher.blobFile(staging, blob.digest());
    AtomicBoolean triedBefore = new AtomicBoolean();
    return attempts.call(() -> {
      if (triedBefore.getAndSet(true)) {
        OptionalLong present = registry.blobSize(repository, blob.digest());
        if (present.isPresent() && present.getAsLong() == blob.size()) {
          return mountFrom.isPresent() ? new BlobTransfer(true, 0) : new BlobTransfer(false, blob.size());
        }
      }
      return mountFrom.isPresent()
          ? registry.mountBlob(repository, blob, mountFrom.get(), file)
          : registry.uploadBlob(repository, blob, file);
    });
  }
}
