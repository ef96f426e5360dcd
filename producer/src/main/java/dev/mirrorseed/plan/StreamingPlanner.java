package dev.mirrorseed.plan;

import dev.mirrorseed.bundle.BundleVisitor;
import dev.mirrorseed.bundle.ListedImage;
import dev.mirrorseed.bundle.Origin;
import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.plan.ImageContents.Broken;
import dev.mirrorseed.plan.ImageContents.Ready;
import dev.mirrorseed.plan.ImageContents.Resolution;
import dev.mirrorseed.plan.ImageContents.Waiting;
import dev.mirrorseed.plan.ImageNames.Named;
import dev.mirrorseed.plan.ImageNames.Naming;
import dev.mirrorseed.reference.MirrorTarget;
import dev.mirrorseed.staging.StagingStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns what the reader finds into images, each handed to the listener the moment it is complete:
 * listed, and every blob it needs staged. An image still waiting for blobs is looked at again when
 * one of them is staged or refused, and settled when its archive ends. Entries of one listing that
 * carry the same manifest into the same target repository become one image with several tags.
 */
final class StreamingPlanner implements BundleVisitor {
  private final MirrorTarget target;
  private final PlanListener listener;
  private final StagedBlobs staged;
  private final TagLedger tags = new TagLedger();
  /** In the order images started waiting: a layout directory checks blobs in this order. */
  private final Map<Digest, List<Pending>> waiting = new LinkedHashMap<>();
  private final Map<String, List<Pending>> pendingByArchive = new HashMap<>();
  private final Map<Digest, Descriptor> readyBlobs = new LinkedHashMap<>();
  private int ready;
  private int broken;

  StreamingPlanner(StagingStore store, MirrorTarget target, PlanListener listener) {
    this.staged = new StagedBlobs(store);
    this.target = target;
    this.listener = listener;
  }

  /** An image listed but not yet handed on. */
  private static final class Pending {
    final String archive;
    final String sourceRef;
    final String repository;
    final List<String> tags;
    final Descriptor root;
    Set<Digest> missing = Set.of();
    boolean settled;

    Pending(String archive, String sourceRef, String repository, List<String> tags, Descriptor root) {
      this.archive = archive;
      this.sourceRef = sourceRef;
      this.repository = repository;
      this.tags = tags;
      this.root = root;
    }
  }

  /** Entries of one listing carrying one manifest into one repository: one image, several tags. */
  private record ImageKey(String repository, Digest manifest) {}

  private record Candidate(Named first, Descriptor manifest, Set<String> tags) {}

  @Override
  public void imagesListed(Origin origin, List<ListedImage> images) {
    Map<ImageKey, Candidate> candidates = new LinkedHashMap<>();
    for (ListedImage image : images) {
      Naming naming = ImageNames.of(image, origin, target);
      if (naming.problem() != null) {
        broken(origin.entry(image.repoTags().isEmpty() ? "index.json" : "manifest.json"), "", List.of(),
            naming.problem());
        continue;
      }
      Named first = naming.names().get(0);
      if (image.problem() != null) {
        List<String> sameRepository = naming.names().stream()
            .filter(named -> named.repository().equals(first.repository())).map(Named::tag).toList();
        broken(first.sourceRef(), first.repository(), sameRepository, image.problem());
        continue;
      }
      for (Named named : naming.names()) {
        candidates.computeIfAbsent(new ImageKey(named.repository(), image.manifest().digest()),
            key -> new Candidate(named, image.manifest(), new LinkedHashSet<>())).tags().add(named.tag());
      }
    }
    candidates.values().forEach(candidate -> admit(origin.archive(), candidate));
  }

  private void admit(String archive, Candidate candidate) {
    String sourceRef = candidate.first().sourceRef();
    String repository = candidate.first().repository();
    Digest digest = candidate.manifest().digest();
    List<String> wanted = List.copyOf(candidate.tags());
    String conflict = tags.conflict(repository, wanted, digest, sourceRef);
    if (conflict != null) {
      broken(sourceRef, repository, wanted, conflict);
      return;
    }
    List<String> claimed = tags.claim(repository, wanted, digest, sourceRef);
    if (claimed.isEmpty()) {
      return; // listed before under the same tags: it is pushed once
    }
    Pending image = new Pending(archive, sourceRef, repository, claimed, candidate.manifest());
    pendingByArchive.computeIfAbsent(archive, key -> new ArrayList<>()).add(image);
    settleIfComplete(image);
  }

  @Override
  public void listingBroken(Origin origin, String listing, String reason) {
    broken(origin.entry(listing), "", List.of(), reason);
  }

  @Override
  public void blobStaged(Digest digest, long size) {
    staged.staged(digest, size);
    List<Pending> woken = waiting.remove(digest);
    if (woken != null) {
      for (Pending image : woken) {
        // Another blob it waits for may still be missing: look again only when the last one arrives.
        image.missing.remove(digest);
        if (!image.settled && image.missing.isEmpty()) {
          settleIfComplete(image);
        }
      }
    }
  }

  @Override
  public void blobRefused(String archive, Digest digest, String reason) {
    staged.refused(archive, digest, reason);
    List<Pending> woken = waiting.getOrDefault(digest, List.of());
    for (Pending image : List.copyOf(woken)) {
      if (!image.settled && image.archive.equals(archive)) {
        settleIfComplete(image);
      }
    }
  }

  @Override
  public List<Digest> awaited() {
    return waiting.entrySet().stream()
        .filter(entry -> entry.getValue().stream().anyMatch(image -> !image.settled))
        .map(Map.Entry::getKey)
        .toList();
  }

  @Override
  public void archiveEnded(String archive) {
    for (Pending image : pendingByArchive.getOrDefault(archive, List.of())) {
      if (!image.settled) {
        Resolution resolution = ImageContents.resolve(staged, image.archive, image.sourceRef, image.root);
        if (resolution instanceof Waiting stillWaiting) {
          String where = archive.isEmpty() ? "the bundle" : "archive '" + archive + "' of the bundle";
          resolution = new Broken("image " + image.sourceRef + " needs blob " + stillWaiting.missing().iterator().next()
              + ", which is not in " + where + ": re-create the bundle with all of its blobs");
        }
        settle(image, resolution);
      }
    }
    pendingByArchive.remove(archive);
  }

  @Override
  public void archiveBroken(String archive, String reason) {
    List<Pending> unsettled = pendingByArchive.getOrDefault(archive, List.of()).stream()
        .filter(image -> !image.settled).toList();
    if (unsettled.isEmpty()) {
      broken(archive, "", List.of(), reason); // its images are unknown, or were whole before the damage
    }
    for (Pending image : unsettled) {
      settle(image, new Broken("image " + image.sourceRef + ": " + reason));
    }
    pendingByArchive.remove(archive);
  }

  int ready() {
    return ready;
  }

  int broken() {
    return broken;
  }

  /** Configs and layers of the ready images, each once. */
  List<Descriptor> readyBlobs() {
    return List.copyOf(readyBlobs.values());
  }

  private void settleIfComplete(Pending image) {
    Resolution resolution = ImageContents.resolve(staged, image.archive, image.sourceRef, image.root);
    if (resolution instanceof Waiting stillWaiting) {
      image.missing = new LinkedHashSet<>(stillWaiting.missing());
      for (Digest digest : image.missing) {
        waiting.computeIfAbsent(digest, k -> new ArrayList<>()).add(image);
      }
    } else {
      settle(image, resolution);
    }
  }

  private void settle(Pending image, Resolution resolution) {
    image.settled = true;
    if (resolution instanceof Ready contents) {
      contents.blobs().forEach(blob -> readyBlobs.putIfAbsent(blob.digest(), blob));
      ready++;
      listener.imageReady(new ImageSpec(image.sourceRef, target.registry(), image.repository, image.tags,
          contents.manifest(), contents.children(), contents.blobs()));
    } else if (resolution instanceof Broken why) {
      broken(image.sourceRef, image.repository, image.tags, why.reason());
    }
  }

  private void broken(String sourceRef, String repository, List<String> imageTags, String reason) {
    broken++;
    listener.imageBroken(new BrokenImage(sourceRef, target.registry(), repository, imageTags,
        reason.replaceAll("\\s*[\\r\\n]+\\s*", " ")));
  }
}
