package dev.mirrorseed.plan;

import dev.mirrorseed.events.ImageSpec;
import java.util.List;

/**
 * An image that cannot be pushed; the others still are.
 *
 * @param sourceRef the image name, or the bundle entry path when no name could be read
 * @param targetRepository {@code ""} when unknown
 * @param tags empty when unknown
 * @param reason one line naming the entry or blob and what to do
 */
public record BrokenImage(
    String sourceRef, String targetRegistry, String targetRepository, List<String> tags, String reason) {
  public BrokenImage {
    tags = List.copyOf(tags);
  }

  /** The image as far as it could be read: where it goes, without a manifest or blobs. */
  public ImageSpec image() {
    return new ImageSpec(sourceRef, targetRegistry, targetRepository, tags, null, List.of(), List.of());
  }
}
