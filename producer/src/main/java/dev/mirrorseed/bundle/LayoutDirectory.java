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
 * blobs they need are hashed where they lie, in the order the images are listed, so each image is
 * complete as soon as its own blobs are checked, and blobs no image needs are not read at all.
 */
final class LayoutDirectory {
  /**
   * Blobs hashed at once: one per core, so a large layer does not hold up the small ones queued behind
   * it, and a core the broker's start leaves idle hashes too. Four at most: a megabyte buffer each.
   */
  private static final int HASHERS = Math.min(4, Runtime.getRuntime().availableProcessors());

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
    Path blobs = directory.resolve("blobs").resolve(Digest.ALGORITHM);
    ExecutorService hashers = Executors.newFixedThreadPool(HASHERS, LayoutDirectory::hashingThread);
    try {
      // Every blob an image awaits is queued for hashing at once; the visitor hears of them on this
      // thread and in that order, so images are ready in listing order, and a manifest it hears of
      // may queue the blobs it names.
      Deque<Future<InPlaceBlob>> hashing = new ArrayDeque<>();
      Set<Digest> queued = new HashSet<>();
      while (true) {
        for (Digest awaited : intake.visitor().awaited()) {
          Path file = blobs.resolve(awaited.hex());
          if (queued.add(awaited) && Files.isRegularFile(file)) {
            hashing.add(hashers.submit(() -> intake.checkInPlace(file, awaited)));
          }
        }
        if (hashing.isEmpty()) {
          break;
        }
        intake.report(hashed(hashing.removeFirst()));
      }
    } finally {
      hashers.shutdownNow();
    }
    intake.visitor().archiveEnded("");
    return Digest.of(index).toString();
  }

  private static InPlaceBlob hashed(Future<InPlaceBlob> hashing) {
    try {
      return hashing.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BundleException("interrupted while hashing the blobs of the layout");
    }
  }

  private static Thread hashingThread(Runnable body) {
    Thread thread = new Thread(body, "mirrorseed-layout-hashing");
    thread.setDaemon(true);
    return thread;
  }
}
