package dev.mirrorseed.registry;

import dev.mirrorseed.oci.Digest;
import java.util.Arrays;
import java.util.Objects;

/**
 * A manifest exactly as a registry returned it. {@code headerDigest} is what the registry claims in
 * {@code Docker-Content-Digest} (null when it sent none); {@link #digest()} is what the bytes really
 * hash to. A verifier compares both, since a registry that rewrote a manifest reports its own digest.
 */
public record FetchedManifest(byte[] bytes, String mediaType, Digest headerDigest) {
  public FetchedManifest {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(mediaType, "mediaType");
    bytes = bytes.clone();
  }

  /** A copy, so the bytes a digest was taken of cannot change afterwards. */
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The sha256 of the bytes as received. */
  public Digest digest() {
    return Digest.of(bytes);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof FetchedManifest that
        && Arrays.equals(bytes, that.bytes)
        && mediaType.equals(that.mediaType)
        && Objects.equals(headerDigest, that.headerDigest);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(bytes), mediaType, headerDigest);
  }

  @Override
  public String toString() {
    return "FetchedManifest[" + mediaType + ", " + bytes.length + " bytes, " + digest() + "]";
  }
}
