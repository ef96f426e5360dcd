package dev.mirrorseed.bundle;

import dev.mirrorseed.bundle.ArchiveFiles.StagedFile;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.MediaTypes;
import dev.mirrorseed.staging.BlobMismatchException;
import dev.mirrorseed.staging.StagingStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Gets entries' bytes into the staging store under the run's size limit and tells the visitor what
 * became of each. One per bundle read, so a blob that several archives hold is stored once.
 */
final class Intake {
  /** What a blob is becomes known only when a manifest names it; the store needs digest and size. */
  private static final String UNKNOWN_MEDIA_TYPE = "application/octet-stream";

  private final StagingStore store;
  private final BundleVisitor visitor;
  private final long maxBlobBytes;
  private final boolean gzipDockerLayers;
  private final XzDecoder xzDecoder;
  private final Map<Digest, Descriptor> gzipped = new HashMap<>();

  Intake(StagingStore store, BundleVisitor visitor, long maxBlobBytes, boolean gzipDockerLayers, XzDecoder xzDecoder) {
    this.store = store;
    this.visitor = visitor;
    this.maxBlobBytes = maxBlobBytes;
    this.gzipDockerLayers = gzipDockerLayers;
    this.xzDecoder = xzDecoder;
  }

  BundleVisitor visitor() {
    return visitor;
  }

  boolean gzipDockerLayers() {
    return gzipDockerLayers;
  }

  XzDecoder xzDecoder() {
    return xzDecoder;
  }

  /** A layout blob, named by its digest: staged when its content matches the name, else refused (null). */
  StagedFile blob(Archive archive, EntryName name, long size, InputStream content, BundleFormat head) {
    Descriptor expected = new Descriptor(UNKNOWN_MEDIA_TYPE, new Digest(name.blobHex()), size);
    if (size > maxBlobBytes) {
      visitor.blobRefused(archive.path(), expected.digest(), "blob " + expected.digest() + " (tar entry '"
          + name.path() + "' in " + archive.label() + ") " + overLimit(size));
      return null;
    }
    if (!store.contains(expected.digest(), size)) {
      try {
        store.put(content, expected);
      } catch (BlobMismatchException e) {
        visitor.blobRefused(archive.path(), expected.digest(), "tar entry '" + name.path() + "' in "
            + archive.label() + ": " + e.getMessage() + ": the bundle is corrupt; re-create or re-download it");
        return null;
      }
    }
    visitor.blobStaged(expected.digest(), size);
    return new StagedFile(expected, head);
  }

  /**
   * Checks a blob of a layout directory used in place: its size against the limit, its content against
   * its name (hashed where it lies). Tells the visitor nothing, so several threads may check at once;
   * {@link #report} does, on the reading thread.
   */
  InPlaceBlob checkInPlace(Path file, Digest digest) {
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read blob file " + file + ": " + e.getMessage(), e);
    }
    if (size > maxBlobBytes) {
      return new InPlaceBlob(digest, size, "blob " + digest + " (file " + file + ") " + overLimit(size));
    }
    try {
      store.verify(new Descriptor(UNKNOWN_MEDIA_TYPE, digest, size));
    } catch (BlobMismatchException e) {
      return new InPlaceBlob(digest, size, e.getMessage() + ": the bundle is corrupt; re-create or re-download it");
    }
    return new InPlaceBlob(digest, size, null);
  }

  /** Tells the visitor what {@link #checkInPlace} found: the blob staged, or refused and why. */
  void report(InPlaceBlob checked) {
    if (checked.refusal() != null) {
      visitor.blobRefused("", checked.digest(), checked.refusal());
    } else {
      visitor.blobStaged(checked.digest(), checked.size());
    }
  }

  /** A file no digest names (a docker-save layer or config): its hash names it. Null when over the limit. */
  StagedFile unnamed(long size, InputStream content, BundleFormat head) {
    if (size > maxBlobBytes) {
      return null;
    }
    Descriptor stored = store.add(content, UNKNOWN_MEDIA_TYPE);
    visitor.blobStaged(stored.digest(), stored.size());
    return new StagedFile(stored, head);
  }

  /** A manifest written here (for a docker-save image), staged like any blob. */
  Descriptor manifest(byte[] json, String mediaType) {
    Descriptor stored = store.add(json, mediaType);
    visitor.blobStaged(stored.digest(), stored.size());
    return stored;
  }

  /** {@code layer} gzip-compressed into a blob of its own, once per layer however many images share it. */
  Descriptor gzipped(Descriptor layer) {
    return gzipped.computeIfAbsent(layer.digest(), digest -> {
      Descriptor compressed = LayerGzip.compress(store, layer.digest());
      visitor.blobStaged(compressed.digest(), compressed.size());
      return new Descriptor(MediaTypes.OCI_LAYER_GZIP, compressed.digest(), compressed.size());
    });
  }

  /** The tail of every message about a blob over {@code --max-blob-size}. */
  String overLimit(long size) {
    return "is " + size + " bytes, over --max-blob-size " + maxBlobBytes
        + ": raise --max-blob-size or leave the image out of the bundle";
  }
}
