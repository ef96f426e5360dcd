package dev.mirrorseed.oci;

import java.util.Objects;

/** What OCI calls a descriptor, reduced to what a push needs: the content's type, digest and size. */
public record Descriptor(String mediaType, Digest digest, long size) {
  public Descriptor {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size + " for " + digest);
    }
  }
}
