package dev.mirrorseed.plan;

import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run will push: one spec per target image, with the blobs staged at {@code staging}.
 *
 * @param source the bundle as the user named it
 * @param bundleDigest {@code sha256:<hex>} of the bundle archive as read, or of index.json for a directory
 * @param staging the OCI layout directory workers read blobs from
 */
public record BundlePlan(String source, String bundleDigest, Path staging, List<ImageSpec> images) {
  public BundlePlan {
    images = List.copyOf(images);
  }

  /** Configs and layers over all images, each counted once; manifests are not counted. */
  public int uniqueBlobs() {
    return uniqueBlobsByDigest().size();
  }

  /** Bytes of the configs and layers over all images, each blob counted once. */
  public long uniqueBytes() {
    return uniqueBlobsByDigest().values().stream().mapToLong(Descriptor::size).sum();
  }

  private Map<Digest, Descriptor> uniqueBlobsByDigest() {
    Map<Digest, Descriptor> unique = new LinkedHashMap<>();
    images.forEach(image -> image.blobs().forEach(blob -> unique.putIfAbsent(blob.digest(), blob)));
    return unique;
  }
}
