package dev.mirrorseed.plan;

import dev.mirrorseed.bundle.BundleException;
import dev.mirrorseed.bundle.BundleSource;
import dev.mirrorseed.bundle.StagedBundle;
import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.reference.MirrorTarget;
import dev.mirrorseed.staging.BlobMismatchException;
import dev.mirrorseed.staging.StagingStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a bundle into the images a run pushes. Entries of index.json that carry the same manifest
 * into the same target repository become one image with several tags, so it is pushed once.
 */
public final class BundlePlanner {
  private BundlePlanner() {}

  /**
   * Stages the bundle at {@code source} (an OCI layout directory, or a .tar of one) into
   * {@code stagingDir} (an OCI layout: blobs/sha256/&lt;hex&gt;) and plans one ImageSpec per image in
   * its index.json. A layout directory is used in place and every blob in it is hash-checked.
   *
   * @throws BundleException when the bundle is unreadable, unsafe, corrupt or incomplete
   */
  public static BundlePlan stageAndPlan(Path source, Path stagingDir, MirrorTarget target) {
    StagedBundle staged = BundleSource.stage(source, stagingDir);
    List<ImageSpec> images = plan(staged, target);
    if (!staged.blobsVerified()) {
      verifyBlobs(staged.store(), images);
    }
    return new BundlePlan(staged.source(), staged.bundleDigest(), staged.store().root(), images);
  }

  private static List<ImageSpec> plan(StagedBundle staged, MirrorTarget target) {
    Map<String, IndexEntry> byTargetTag = new HashMap<>();
    Map<ImageKey, Tagged> images = new LinkedHashMap<>();
    for (IndexEntry entry : IndexEntry.parseAll(staged.indexJson(), staged.source())) {
      String repository = target.repositoryFor(entry.sourceRef());
      String tag = MirrorTarget.tagOf(entry.sourceRef());
      IndexEntry earlier = byTargetTag.putIfAbsent(repository + ":" + tag, entry);
      if (earlier != null) {
        if (!earlier.descriptor().digest().equals(entry.descriptor().digest())) {
          throw duplicateTag(staged.source(), earlier, entry, repository + ":" + tag);
        }
        continue; // the same image listed twice
      }
      images.computeIfAbsent(new ImageKey(repository, entry.descriptor().digest()), key -> new Tagged(entry))
          .tags().add(tag);
    }
    List<ImageSpec> specs = new ArrayList<>();
    images.forEach((key, tagged) -> {
      IndexEntry first = tagged.first();
      ImageContents contents = ImageContents.read(staged.store(), first.sourceRef(), first.descriptor());
      specs.add(new ImageSpec(first.sourceRef(), target.registry(), key.repository(), List.copyOf(tagged.tags()),
          contents.manifest(), contents.children(), contents.blobs()));
    });
    return specs;
  }

  private static BundleException duplicateTag(String source, IndexEntry earlier, IndexEntry later, String targetTag) {
    String names = earlier.sourceRef().equals(later.sourceRef())
        ? earlier.sourceRef()
        : earlier.sourceRef() + " and " + later.sourceRef() + " (both mirrored as " + targetTag + ")";
    return new BundleException("duplicate tag " + names + " in index.json of " + source + " with different digests "
        + earlier.descriptor().digest() + " and " + later.descriptor().digest() + ": remove one of the entries");
  }

  /** For a layout used in place: nothing has hashed its blobs yet, and a worker must not push a bad one. */
  private static void verifyBlobs(StagingStore store, List<ImageSpec> images) {
    Set<Digest> verified = new HashSet<>();
    for (ImageSpec image : images) {
      for (Descriptor blob : image.blobs()) {
        if (verified.add(blob.digest())) {
          try {
            store.verify(blob);
          } catch (BlobMismatchException e) {
            throw new BundleException("image " + image.sourceRef() + ": " + e.getMessage()
                + ": the bundle is corrupt; re-create or re-download it", e);
          }
        }
      }
    }
  }

  private record ImageKey(String repository, Digest manifest) {}

  /** The first index.json entry of an image names it; later entries only add tags. */
  private record Tagged(IndexEntry first, Set<String> tags) {
    Tagged(IndexEntry first) {
      this(first, new LinkedHashSet<>());
    }
  }
}
