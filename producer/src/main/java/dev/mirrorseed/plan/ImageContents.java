package dev.mirrorseed.plan;

import dev.mirrorseed.bundle.BundleException;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.InvalidManifestException;
import dev.mirrorseed.oci.ManifestContent;
import dev.mirrorseed.staging.StagingStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one image needs from the store, found by reading its manifests there: child manifests
 * of an index in push order (each after the manifests it lists), and every config and layer once.
 * Manifests are hash-checked as they are read; blobs are checked to be present with their size.
 */
record ImageContents(Descriptor manifest, List<Descriptor> children, List<Descriptor> blobs) {
  /** What distribution registries accept by default; a bigger "manifest" is a damaged bundle. */
  private static final long MANIFEST_BYTES_MAX = 4L << 20;
  /** An index of indexes is fine; deeper nesting is no image anyone builds. */
  private static final int INDEX_DEPTH_MAX = 2;

  static ImageContents read(StagingStore store, String image, Descriptor manifest) {
    Reader reader = new Reader(store, image);
    Descriptor root = reader.visit(manifest, 0);
    return new ImageContents(root, List.copyOf(reader.children.values()), List.copyOf(reader.blobs.values()));
  }

  private static final class Reader {
    private final StagingStore store;
    private final String image;
    private final Map<Digest, Descriptor> children = new LinkedHashMap<>();
    private final Map<Digest, Descriptor> blobs = new LinkedHashMap<>();

    Reader(StagingStore store, String image) {
      this.store = store;
      this.image = image;
    }

    /** Returns the descriptor with its media type filled in from the manifest when it named none. */
    Descriptor visit(Descriptor descriptor, int depth) {
      ManifestContent content = parse(descriptor);
      if (content.isIndex()) {
        if (depth >= INDEX_DEPTH_MAX) {
          throw new BundleException("image " + image + ": index " + descriptor.digest()
              + " nests indexes deeper than " + INDEX_DEPTH_MAX + " levels: flatten it before mirroring");
        }
        for (Descriptor child : content.children()) {
          Descriptor visited = visit(child, depth + 1);
          children.putIfAbsent(visited.digest(), visited);
        }
      } else {
        for (Descriptor blob : content.blobs()) {
          requirePresent(blob, "blob");
          blobs.putIfAbsent(blob.digest(), blob);
        }
      }
      return descriptor.mediaType().isEmpty()
          ? new Descriptor(content.mediaType(), descriptor.digest(), descriptor.size())
          : descriptor;
    }

    private ManifestContent parse(Descriptor descriptor) {
      if (descriptor.size() > MANIFEST_BYTES_MAX) {
        throw new BundleException("image " + image + ": manifest " + descriptor.digest() + " claims "
            + descriptor.size() + " bytes, more than registries accept (" + MANIFEST_BYTES_MAX + ")"
            + ": the bundle is damaged");
      }
      Path file = requirePresent(descriptor, "manifest");
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
      }
      Digest actual = Digest.of(bytes);
      if (!actual.equals(descriptor.digest())) {
        throw new BundleException("image " + image + ": manifest " + descriptor.digest() + " in file " + file
            + " hashes to " + actual + ": the bundle is corrupt; re-create or re-download it");
      }
      try {
        return ManifestContent.parse(bytes, descriptor.mediaType());
      } catch (InvalidManifestException e) {
        throw new BundleException("image " + image + ": manifest " + descriptor.digest() + ": " + e.getMessage(), e);
      }
    }

    private Path requirePresent(Descriptor descriptor, String kind) {
      Path file = store.blobPath(descriptor.digest());
      if (store.contains(descriptor.digest(), descriptor.size())) {
        return file;
      }
      if (!Files.exists(file)) {
        throw new BundleException("image " + image + " needs " + kind + " " + descriptor.digest()
            + ", which is not in the bundle (no file " + file + "): re-create the bundle with all of its blobs");
      }
      long size;
      try {
        size = Files.size(file);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
      }
      throw new BundleException("image " + image + ": " + kind + " " + descriptor.digest() + " is " + size
          + " bytes in file " + file + " but its manifest says " + descriptor.size()
          + ": the bundle is corrupt; re-create or re-download it");
    }
  }
}
