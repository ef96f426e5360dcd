package dev.mirrorseed.plan;

import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.InvalidManifestException;
import dev.mirrorseed.oci.ManifestContent;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything one image needs, worked out from its manifests as far as they are staged: child
 * manifests of an index in push order (each after the manifests it lists), and every config and layer
 * once. The answer is that the image is ready, that it waits for blobs, or that it is broken.
 */
final class ImageContents {
  sealed interface Resolution permits Ready, Waiting, Broken {}

  record Ready(Descriptor manifest, List<Descriptor> children, List<Descriptor> blobs) implements Resolution {}

  /** Blobs not staged yet; once they are, more may turn out to be needed (a manifest's layers). */
  record Waiting(Set<Digest> missing) implements Resolution {}

  record Broken(String reason) implements Resolution {}

  /** What registries accept by default; a bigger "manifest" is a damaged bundle. */
  private static final long MANIFEST_BYTES_MAX = 4L << 20;
  /** An index of indexes is fine; deeper nesting is no image anyone builds. */
  private static final int INDEX_DEPTH_MAX = 2;

  private final StagedBlobs staged;
  private final String archive;
  private final String image;
  private final Map<Digest, Descriptor> children = new LinkedHashMap<>();
  private final Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
  private final Set<Digest> missing = new LinkedHashSet<>();

  private ImageContents(StagedBlobs staged, String archive, String image) {
    this.staged = staged;
    this.archive = archive;
    this.image = image;
  }

  /** Resolves {@code image}, listed in {@code archive}, whose manifest (or index) is {@code root}. */
  static Resolution resolve(StagedBlobs staged, String archive, String image, Descriptor root) {
    ImageContents contents = new ImageContents(staged, archive, image);
    try {
      Descriptor manifest = contents.visit(root, 0);
      if (!contents.missing.isEmpty()) {
        return new Waiting(contents.missing);
      }
      return new Ready(manifest, List.copyOf(contents.children.values()), List.copyOf(contents.blobs.values()));
    } catch (BrokenException e) {
      return new Broken(e.getMessage());
    }
  }

  /** Returns the descriptor with its media type filled in from the manifest when it named none. */
  private Descriptor visit(Descriptor descriptor, int depth) {
    if (descriptor.size() > MANIFEST_BYTES_MAX) {
      throw broken("manifest " + descriptor.digest() + " claims " + descriptor.size() + " bytes, more than"
          + " registries accept (" + MANIFEST_BYTES_MAX + "): the bundle is damaged");
    }
    if (!isStaged(descriptor)) {
      return descriptor;
    }
    ManifestContent content;
    try {
      content = staged.manifest(descriptor);
    } catch (InvalidManifestException e) {
      throw broken("manifest " + descriptor.digest() + ": " + e.getMessage());
    }
    if (content.isIndex()) {
      if (depth >= INDEX_DEPTH_MAX) {
        throw broken("index " + descriptor.digest() + " nests indexes deeper than " + INDEX_DEPTH_MAX
            + " levels: flatten it before mirroring");
      }
      for (Descriptor child : content.children()) {
        Descriptor visited = visit(child, depth + 1);
        children.putIfAbsent(visited.digest(), visited);
      }
    } else {
      for (Descriptor blob : content.blobs()) {
        if (isStaged(blob)) {
          blobs.putIfAbsent(blob.digest(), blob);
        }
      }
    }
    return descriptor.mediaType().isEmpty()
        ? new Descriptor(content.mediaType(), descriptor.digest(), descriptor.size())
        : descriptor;
  }

  /** Whether the blob is staged with the size its descriptor says; records it as missing if it is not there yet. */
  private boolean isStaged(Descriptor descriptor) {
    String refusal = staged.refusal(archive, descriptor.digest());
    Long size = staged.size(descriptor.digest());
    if (size == null && refusal != null) {
      throw broken(refusal);
    }
    if (size == null) {
      missing.add(descriptor.digest());
      return false;
    }
    if (size != descriptor.size()) {
      throw broken("blob " + descriptor.digest() + " is " + size + " bytes in the bundle but its manifest says "
          + descriptor.size() + ": the bundle is corrupt; re-create or re-download it");
    }
    return true;
  }

  private BrokenException broken(String reason) {
    return new BrokenException("image " + image + ": " + reason);
  }

  /** Ends the walk at the first reason the image cannot be mirrored. */
  private static final class BrokenException extends RuntimeException {
    BrokenException(String message) {
      super(message, null, false, false);
    }
  }
}
