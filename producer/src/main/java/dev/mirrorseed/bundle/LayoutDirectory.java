package dev.mirrorseed.bundle;

import dev.mirrorseed.oci.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * An OCI layout directory, used in place: nothing is copied. Its images are listed first; then the
 * blobs they need are hashed where they lie, taken in the order the images are listed, so each image is
 * complete as soon as its own blobs are checked, and blobs no image needs are not read at all. Blobs
 * are hashed side by side, one per core: hashing is CPU-bound, and a push starts an image only once its
 * blobs are checked. The visitor hears of each blob on the reading thread, in the order they were taken.
 */
final class LayoutDirectory {
  /** One per core, at most 4: more only queue for the CPU, or the disk. */
  private static final int HASHED_AT_ONCE = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

  private LayoutDirectory() {}

  /** Returns {@code sha256:<hex>} of index.json, which names the directory's content. */
  static String read(Path directory, Intake intake) {
    Path indexFile = directory.resolve("index.json");
    if (!Files.isRegularFile(indexFile)) {
      throw new BundleException(directory + " has no index.json, so it is not an OCI image layout:"
          + " pass a layout directory, or an archive of image layouts or docker-save archives");
    }
    byte[] index;
    try {
      index = Files.readAllBytes(indexFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + indexFile + ": " + e.getMessage(), e);
    }
    try {
      intake.visitor().imagesListed(Origin.ROOT, LayoutIndex.parse(index));
    } catch (InvalidListingException e) {
      throw new BundleException(indexFile + " " + e.getMessage());
    }
    hashNeededBlobs(directory.resolve("blobs").resolve(Digest.ALGORITHM), intake);
    intake.visitor().archiveEnded("");
    return Digest.of(index).toString();
  }

  /**
   * Hashes every blob the visitor awaits (which grows as manifests are staged), up to
   * {@link #HASHED_AT_ONCE} at once, and reports them in the order they were taken, so a bundle is
   * planned in the same order however the hashing interleaves.
   */
  private static void hashNeededBlobs(Path blobs, Intake intake) {
    ExecutorService hashers = Executors.newFixedThreadPool(HASHED_AT_ONCE, runnable -> {
      Thread thread = new Thread(runnable, "layout-hashing");
      thread.setDaemon(true);
      return thread;
    });
    try {
      Deque<Future<Intake.InPlaceBlob>> checks = new ArrayDeque<>();
      Set<Digest> taken = new HashSet<>();
      while (true) {
        for (Digest next; checks.size() < HASHED_AT_ONCE && (next = nextUnchecked(intake.visitor(), taken)) != null; ) {
          taken.add(next);
          Path file = blobs.resolve(next.hex());
          if (Files.isRegularFile(file)) {
            Digest digest = next;
            checks.add(hashers.submit(() -> intake.checkInPlace(file, digest)));
          }
        }
        if (checks.isEmpty()) {
          return;
        }
        intake.report(resultOf(checks.remove()));
      }
    } finally {
      hashers.shutdownNow();
    }
  }

  private static Intake.InPlaceBlob resultOf(Future<Intake.InPlaceBlob> check) {
    try {
      return check.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while hashing the layout's blobs", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private static Digest nextUnchecked(BundleVisitor visitor, Set<Digest> checked) {
    return visitor.awaited().stream().filter(digest -> !checked.contains(digest)).findFirst().orElse(null);
  }
}
