package dev.mirrorseed.produce;

import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.events.SharedBlob;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Remembers, for every blob of a run's images, the target repository of the first image published with
 * it, so each later request can name where that blob goes first ({@link SharedBlob}). Images of the same
 * repository need no such hint: their pushes find the blob there.
 */
final class FirstHolders {
  private final Map<Digest, String> first = new HashMap<>();

  /** The blobs of {@code image}, published now, that an earlier image has too; records the rest. */
  synchronized List<SharedBlob> sharedBy(ImageSpec image) {
    List<SharedBlob> shared = new ArrayList<>();
    for (Descriptor blob : image.blobs()) {
      String holder = first.putIfAbsent(blob.digest(), image.targetRepository());
      if (holder != null && !holder.equals(image.targetRepository())) {
        shared.add(new SharedBlob(blob.digest(), holder));
      }
    }
    return shared;
  }
}
