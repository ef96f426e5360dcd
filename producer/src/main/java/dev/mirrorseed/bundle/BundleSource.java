package dev.mirrorseed.bundle;

import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.staging.HashedFiles;
import dev.mirrorseed.staging.StagingStore;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * What the user passed as {@code --source}, read in one pass into a staging store while a
 * {@link BundleVisitor} hears what is found. An OCI layout directory is used in place; an archive
 * (tar, gzip, xz or zstd, told by its content) is decompressed as it streams, its raw bytes hashed on
 * the way for the bundle digest, both on a thread of their own a few megabytes ahead of the staging.
 * xz is decoded by XZ Utils' {@code xz} where it is installed and the file compresses; else in Java,
 * a file of many blocks ({@code xz -T0} writes them) a block per core.
 */
public final class BundleSource {
  private static final int BUFFER_BYTES = 1 << 20;
  private static final int DECOMPRESSED_BUFFER_BYTES = 64 << 10;

  private final Path source;
  private final BundleFormat format;
  private final StagingStore store;

  private BundleSource(Path source, BundleFormat format, StagingStore store) {
    this.source = source;
    this.format = format;
    this.store = store;
  }

  /**
   * Recognises {@code source} by its content. {@code stagingDir} receives an archive's blobs; a layout
   * directory is its own store, and {@code stagingDir} is then not touched.
   *
   * @throws BundleException when the source is missing or is no bundle this version can read
   */
  public static BundleSource open(Path source, Path stagingDir) {
    return open(source, stagingDir, HashedFiles.none());
  }

  /**
   * As {@link #open(Path, Path)}; blobs of a layout directory that {@code hashed} knows unchanged are
   * not hashed again.
   */
  public static BundleSource open(Path source, Path stagingDir, HashedFiles hashed) {
    BundleFormat format = BundleFormat.of(source);
    return switch (format) {
      case DIRECTORY -> new BundleSource(source, format, StagingStore.inPlace(source, hashed));
      case TAR, GZIP, XZ, ZSTD -> new BundleSource(source, format, StagingStore.create(stagingDir));
      case UNKNOWN -> throw new BundleException(source + " is neither a directory nor a tar, gzip, xz or zstd archive:"
          + " pass an OCI layout directory or an archive of image layouts or docker-save archives");
    };
  }

  /** Where the blobs are (or will be) staged. */
  public StagingStore store() {
    return store;
  }

  /**
   * Reads the whole bundle, telling {@code visitor} what it finds as it finds it.
   *
   * @return {@code sha256:<hex>} of the archive file as read, or of index.json for a directory
   * @throws BundleException when the bundle cannot be read on: the visitor has heard all before that
   */
  public String read(long maxBlobBytes, boolean gzipDockerLayers, XzDecoder xzDecoder, BundleVisitor visitor) {
    Intake intake = new Intake(store, visitor, maxBlobBytes, gzipDockerLayers, xzDecoder);
    return format == BundleFormat.DIRECTORY ? LayoutDirectory.read(source, intake) : readArchive(intake);
  }

  private String readArchive(Intake intake) {
    Archive bundle = Archive.bundle(source);
    try (InputStream file = Files.newInputStream(source);
        HashingInputStream raw = new HashingInputStream(file, Digest.newHasher());
        InputStream content = decompressed(new BufferedInputStream(raw, BUFFER_BYTES), intake.xzDecoder())) {
      if (!ArchiveReader.holdsTar(content)) {
        throw new BundleException(source + " is a " + format + ", but what it holds is not a tar archive:"
            + " pass an archive of image layouts or docker-save archives");
      }
      ArchiveReader reader = new ArchiveReader(bundle, format, intake);
      reader.readEntries(new TarArchiveInputStream(content));
      ArchiveReader.drain(content, bundle, format);
      reader.finish();
      return Digest.fromHash(raw.drainAndDigest()).toString();
    } catch (IOException e) {
      throw EntryStream.unreadable(bundle, format, "at its start", e);
    }
  }

  /** Decompressed (or, for a tar, read and hashed) on threads ahead of the one staging the blobs. */
  private InputStream decompressed(InputStream raw, XzDecoder xzDecoder) throws IOException {
    InputStream content = format == BundleFormat.XZ ? xzDecoder.openFile(source, raw) : format.open(raw, xzDecoder);
    if (!(content instanceof ParallelXzInputStream)) {
      content = new ReadAheadInputStream(content); // the parallel decoder runs ahead on threads of its own
    }
    return new BufferedInputStream(content, DECOMPRESSED_BUFFER_BYTES);
  }
}
