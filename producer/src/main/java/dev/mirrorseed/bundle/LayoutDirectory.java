package dev.mirrorseed.bundle;

import dev.mirrorseed.oci.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * An OCI layout directory, used in place: nothing is copied. Its images are listed first; then the
 * blobs they need are hashed where they lie, in the order the images are listed, so each image is
 * complete as soon as its own blobs are checked, and blobs no image needs are not read at all.
 */
final class LayoutDirectory {
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
    Set<Digest> checked = new HashSet<>();
    for (Digest next = nextUnchecked(intake.visitor(), checked); next != null; next = nextUnchecked(intake.visitor(), checked)) {
      checked.add(next);
      Path file = blobs.resolve(next.hex());
      if (Files.isRegularFile(file)) {
        intake.inPlace(file, next);
      }
    }
    intake.visitor().archiveEnded("");
    return Digest.of(index).toString();
  }

  private static Digest nextUnchecked(BundleVisitor visitor, Set<Digest> checked) {
    return visitor.awaited().stream().filter(digest -> !checked.contains(digest)).findFirst().orElse(null);
  }
}
