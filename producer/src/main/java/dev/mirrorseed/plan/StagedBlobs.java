package dev.mirrorseed.plan;

import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.ManifestContent;
import dev.mirrorseed.staging.StagingStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

/**
 * What this read of the bundle has staged so far (blobs a previous run left in the store do not count:
 * an image needs its blobs in the bundle), which blobs each archive held but could not stage, and the
 * staged manifests, parsed once.
 */
final class StagedBlobs {
  private final StagingStore store;
  private final Map<Digest, Long> sizes = new HashMap<>();
  private final Map<String, Map<Digest, String>> refusals = new HashMap<>();
  private final Map<Digest, ManifestContent> manifests = new HashMap<>();

  StagedBlobs(StagingStore store) {
    this.store = store;
  }

  void staged(Digest digest, long size) {
    sizes.put(digest, size);
  }

  void refused(String archive, Digest digest, String reason) {
    refusals.computeIfAbsent(archive, key -> new HashMap<>()).put(digest, reason);
  }

  /** The staged blob's size, or null when it is not staged. */
  Long size(Digest digest) {
    return sizes.get(digest);
  }

  /** Why {@code archive} held the blob but it is not staged, or null. */
  String refusal(String archive, Digest digest) {
    return refusals.getOrDefault(archive, Map.of()).get(digest);
  }

  /**
   * A staged manifest's content; its bytes were hash-checked when staged.
   *
   * @throws dev.mirrorseed.oci.InvalidManifestException when it is no manifest that can be mirrored
   */
  ManifestContent manifest(Descriptor descriptor) {
    ManifestContent content = manifests.get(descriptor.digest());
    if (content == null) {
      Path file = store.blobPath(descriptor.digest());
      try {
        content = ManifestContent.parse(Files.readAllBytes(file), descriptor.mediaType());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read staged manifest " + file + ": " + e.getMessage(), e);
      }
      manifests.put(descriptor.digest(), content);
    }
    return content;
  }
}
