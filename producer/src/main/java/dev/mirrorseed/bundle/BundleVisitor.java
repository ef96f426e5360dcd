package dev.mirrorseed.bundle;

import dev.mirrorseed.oci.Digest;
import java.util.List;

/**
 * What reading a bundle finds, told as it is found, on the reading thread, in bundle order. An
 * image is complete once its listing is known and every blob it needs is staged; what an archive
 * still lacks when it ends, it lacks.
 */
public interface BundleVisitor {
  /** A layout's index.json or a docker-save manifest.json lists these images; their blobs may follow. */
  void imagesListed(Origin origin, List<ListedImage> images);

  /**
   * A listing ({@code listing}: "index.json" or "manifest.json") that cannot be read: its images are
   * unknown. {@code reason} is one line.
   */
  void listingBroken(Origin origin, String listing, String reason);

  /** The blob is in the staging store, hash-checked. */
  void blobStaged(Digest digest, long size);

  /**
   * The blob was in {@code archive} but is not staged: its content does not match its digest, or it is
   * over the size limit. Images of that archive that need it cannot be mirrored; {@code reason} says why.
   */
  void blobRefused(String archive, Digest digest, String reason);

  /**
   * Blobs that listed images still wait for, earliest-listed image first. A layout directory, whose
   * blobs can be read in any order, checks these (and only these) in this order.
   */
  List<Digest> awaited();

  /** Archive {@code archive} ({@code ""}: the bundle itself) was read to its end. */
  void archiveEnded(String archive);

  /** Archive {@code archive}, nested in the bundle, cannot be read on; {@code reason} is one line. */
  void archiveBroken(String archive, String reason);
}
