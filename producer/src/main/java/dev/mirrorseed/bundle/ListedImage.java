package dev.mirrorseed.bundle;

import dev.mirrorseed.oci.Descriptor;
import java.util.List;

/**
 * An image as a listing names it: an entry of a layout's index.json, or an image of a docker-save
 * manifest.json. Which name wins is the planner's rule; this only carries what the bundle says.
 *
 * @param manifest the image's manifest or index; null when {@code problem} is set
 * @param containerdName the {@code io.containerd.image.name} annotation, or null
 * @param refName the {@code org.opencontainers.image.ref.name} annotation, or null
 * @param repoTags docker-save's RepoTags (full names), empty for an OCI layout
 * @param problem why the image cannot be mirrored though it is listed, or null
 */
public record ListedImage(
    Descriptor manifest, String containerdName, String refName, List<String> repoTags, String problem) {
  public ListedImage {
    repoTags = List.copyOf(repoTags);
  }

  static ListedImage oci(Descriptor manifest, String containerdName, String refName) {
    return new ListedImage(manifest, containerdName, refName, List.of(), null);
  }

  static ListedImage docker(Descriptor manifest, List<String> repoTags) {
    return new ListedImage(manifest, null, null, repoTags, null);
  }

  static ListedImage broken(List<String> repoTags, String problem) {
    return new ListedImage(null, null, null, repoTags, problem);
  }
}
