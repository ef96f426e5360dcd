package dev.mirrorseed.bundle;

import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.staging.BlobMismatchException;
import dev.mirrorseed.staging.StagingStore;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads a tar of an OCI layout in one pass, as a bundle of many gigabytes must be: each blob streams
 * into the staging store (hash-checked there), and the raw file is hashed on the way for the bundle
 * digest. Entry names are only classified, never used as paths, so no entry can write anywhere.
 */
final class TarLayoutReader {
  private static final int BUFFER_BYTES = 1 << 20;
  private static final long INDEX_BYTES_MAX = 64L << 20;
  /** What a blob is becomes known only when a manifest names it; the store needs digest and size. */
  private static final String UNKNOWN_MEDIA_TYPE = "application/octet-stream";

  private final Path tarFile;
  private final StagingStore store;
  private String prefix;
  private byte[] index;

  private TarLayoutReader(Path tarFile, StagingStore store) {
    this.tarFile = tarFile;
    this.store = store;
  }

  static StagedBundle read(Path tarFile, StagingStore store) {
    return new TarLayoutReader(tarFile, store).read();
  }

  private StagedBundle read() {
    byte[] bundleHash;
    String current = "(first entry)";
    try (HashingInputStream raw = new HashingInputStream(
            new BufferedInputStream(Files.newInputStream(tarFile), BUFFER_BYTES), Digest.newHasher());
        TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
      for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
        current = entry.getName();
        accept(entry, tar);
      }
      bundleHash = raw.drainAndDigest();
    } catch (IOException e) {
      throw unreadable(current, e);
    }
    if (index == null) {
      throw new BundleException(tarFile + " holds no index.json at its top or under one directory:"
          + " it is not a tar of an OCI image layout; pass a layout directory or its tar");
    }
    return new StagedBundle(tarFile.toString(), store, Digest.fromHash(bundleHash).toString(), index, true);
  }

  private void accept(TarArchiveEntry entry, TarArchiveInputStream tar) throws IOException {
    LayoutEntry where = LayoutEntry.of(entry.getName(), tarFile);
    if (entry.isDirectory()) {
      return;
    }
    if (entry.isSymbolicLink() || entry.isLink()) {
      throw new BundleException("tar entry '" + entry.getName() + "' in " + tarFile + " is a link to '"
          + entry.getLinkName() + "': bundles must hold plain files; re-create it without links");
    }
    if (!entry.isFile()) {
      throw new BundleException("tar entry '" + entry.getName() + "' in " + tarFile
          + " is not a plain file: re-create the bundle from a plain OCI layout");
    }
    if (where.kind() == LayoutEntry.Kind.OTHER) {
      return;
    }
    requireOneLayout(where, entry.getName());
    switch (where.kind()) {
      case INDEX -> index = readIndex(entry, tar);
      case BLOB -> stage(entry, where, tar);
      default -> { } // oci-layout: the store writes its own
    }
  }

  private void requireOneLayout(LayoutEntry where, String entryName) {
    if (prefix == null) {
      prefix = where.prefix();
    } else if (!prefix.equals(where.prefix())) {
      throw new BundleException("tar " + tarFile + " holds layout files under both '" + prefix + "/' and '"
          + where.prefix() + "/' (entry '" + entryName + "'): one OCI layout per tar is supported; split the bundle");
    }
  }

  private byte[] readIndex(TarArchiveEntry entry, TarArchiveInputStream tar) throws IOException {
    if (entry.getSize() > INDEX_BYTES_MAX) {
      throw new BundleException("tar entry '" + entry.getName() + "' in " + tarFile + " is " + entry.getSize()
          + " bytes, more than an index.json can sensibly be (" + INDEX_BYTES_MAX + "): the bundle is damaged");
    }
    return tar.readNBytes((int) entry.getSize());
  }

  private void stage(TarArchiveEntry entry, LayoutEntry where, TarArchiveInputStream tar) {
    Descriptor expected = new Descriptor(UNKNOWN_MEDIA_TYPE, new Digest(where.blobHex()), entry.getSize());
    if (store.contains(expected.digest(), expected.size())) {
      return; // the next getNextEntry() reads past it, through the bundle hash
    }
    try {
      store.put(new EntryStream(tar, entry.getName()), expected);
    } catch (BlobMismatchException e) {
      throw new BundleException("tar entry '" + entry.getName() + "' in " + tarFile + ": " + e.getMessage()
          + ": the bundle is corrupt; re-create or re-download it", e);
    }
  }

  private BundleException unreadable(String entryName, IOException e) {
    return new BundleException(tarFile + " is not a readable tar at entry '" + entryName + "' (" + e.getMessage()
        + "): it is truncated or damaged; re-create or re-download it", e);
  }

  /**
   * Reads one entry for the store and turns read failures into a BundleException, so a truncated
   * archive is reported as a bad bundle and not as a failure to write the staging directory.
   */
  private final class EntryStream extends FilterInputStream {
    private final String entryName;

    EntryStream(InputStream tar, String entryName) {
      super(tar);
      this.entryName = entryName;
    }

    @Override
    public int read() {
      try {
        return in.read();
      } catch (IOException e) {
        throw unreadable(entryName, e);
      }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      try {
        return in.read(buffer, offset, length);
      } catch (IOException e) {
        throw unreadable(entryName, e);
      }
    }

    @Override
    public void close() {
      // The tar stream goes on to the next entry; its owner closes it.
    }
  }
}
