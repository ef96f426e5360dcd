package dev.mirrorseed.events;

import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import java.util.List;

/**
 * One image of a bundle and where it goes: everything a worker needs to push it and a verifier needs to
 * check it, without the bytes. {@code childManifests} is empty unless {@code manifest} is an index;
 * {@code blobs} holds every blob of the image (of every child, for an index), each once. An image the
 * producer could not read (see {@link ImageFailed}) has no {@code manifest}, and may have no target
 * repository or tags when even its name was unreadable.
 */
public record ImageSpec(
    String sourceRef,
    String targetRegistry,
    String targetRepository,
    List<String> tags,
    Descriptor manifest,
    List<Descriptor> childManifests,
    List<Descriptor> blobs) {

  public ImageSpec {
    tags = List.copyOf(tags);
    childManifests = List.copyOf(childManifests);
    blobs = List.copyOf(blobs);
  }

  /** The Kafka key: images of one repository stay on one partition, in order. */
  public String targetKey() {
    return targetRegistry + "/" + targetRepository;
  }

  /**
   * {@code HOST:PORT/repo:tag} of the first tag, as a person would type it; for an image whose name
   * could not be read, its source (the bundle entry), which still tells one image from another.
   */
  public String targetRef() {
    if (targetRepository.isEmpty()) {
      return sourceRef;
    }
    return tags.isEmpty() ? targetKey() : targetKey() + ":" + tags.get(0);
  }

  /** The digest the bundle holds for this image, or null when the producer could not read it. */
  public Digest expectedDigest() {
    return manifest == null ? null : manifest.digest();
  }

  public long totalBlobBytes() {
    return blobs.stream().mapToLong(Descriptor::size).sum();
  }
}
