package dev.mirrorseed.events;

import dev.mirrorseed.oci.Descriptor;
import java.util.List;

/**
 * One image of a bundle and where it goes: everything a worker needs to push it and a verifier needs to
 * check it, without the bytes. {@code childManifests} is empty unless {@code manifest} is an index;
 * {@code blobs} holds every blob of the image (of every child, for an index), each once.
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

  /** {@code HOST:PORT/repo:tag} of the first tag, as a person would type it. */
  public String targetRef() {
    return targetKey() + ":" + tags.get(0);
  }

  public long totalBlobBytes() {
    return blobs.stream().mapToLong(Descriptor::size).sum();
  }
}
