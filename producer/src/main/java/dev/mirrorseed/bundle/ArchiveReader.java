package dev.mirrorseed.bundle;

import dev.mirrorseed.bundle.ArchiveFiles.StagedFile;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads one tar stream of a bundle in a single pass, as a bundle of many gigabytes must be read:
 * layout blobs stream into the staging store (hash-checked there) and listings (index.json,
 * manifest.json) are told as soon as they are read, so images complete while the rest is still read.
 * In the bundle itself, an entry whose content is an archive (tar, gzip, xz, zstd) and is not named
 * like a docker-save layer is read the same way, as a nested archive of its own, straight from the
 * stream; nesting goes one level deep. Entry names are only classified, never used as paths.
 */
final class ArchiveReader {
  private static final long LISTING_BYTES_MAX = 64L << 20;
  private static final int DECOMPRESSED_BUFFER_BYTES = 64 << 10;

  private final Archive archive;
  private final BundleFormat format;
  private final Intake intake;
  private final ArchiveFiles files = new ArchiveFiles();
  private final Set<String> layoutDirectories = new HashSet<>();
  private final Map<String, byte[]> dockerManifests = new LinkedHashMap<>();
  /** Files a docker-save manifest.json already read points at, whatever their names. */
  private final Set<String> wanted = new HashSet<>();

  ArchiveReader(Archive archive, BundleFormat format, Intake intake) {
    this.archive = archive;
    this.format = format;
    this.intake = intake;
  }

  /** Reads every entry of {@code tar}; the caller then checks the stream's end and calls {@link #finish}. */
  void readEntries(TarArchiveInputStream tar) {
    String previous = null;
    while (true) {
      TarArchiveEntry entry;
      try {
        entry = tar.getNextEntry();
      } catch (IOException e) {
        throw EntryStream.unreadable(archive, format,
            previous == null ? "at its start" : "after entry '" + previous + "'", e);
      }
      if (entry == null) {
        return;
      }
      previous = entry.getName();
      accept(entry, new EntryStream(tar, archive, format, entry.getName()));
    }
  }

  /** The archive was read to its end: docker-save images get their manifests, and what is missing is missing. */
  void finish() {
    dockerManifests.forEach((directory, json) -> {
      if (layoutDirectories.contains(directory)) {
        return; // Docker 25+ saves an OCI layout beside manifest.json: it keeps the original digests
      }
      Origin origin = new Origin(archive.path(), directory);
      try {
        intake.visitor().imagesListed(origin, DockerArchive.images(archive, directory, json, files, intake));
      } catch (InvalidListingException e) {
        String path = directory.isEmpty() ? "manifest.json" : directory + "/manifest.json";
        intake.visitor().listingBroken(origin, "manifest.json",
            "tar entry '" + path + "' in " + archive.label() + " " + e.getMessage());
      }
    });
    intake.visitor().archiveEnded(archive.path());
  }

  private void accept(TarArchiveEntry entry, EntryStream in) {
    EntryName name = EntryName.of(entry.getName(), archive);
    if (entry.isDirectory()) {
      return;
    }
    if (entry.isSymbolicLink() || entry.isLink()) {
      link(entry, name);
      return;
    }
    if (!entry.isFile()) {
      return; // a device or fifo: nothing is unpacked, so it is harmless, and no image is made of one
    }
    switch (name.kind()) {
      case INDEX -> index(name, listing(entry, name, in));
      case DOCKER_MANIFEST -> dockerManifest(name, listing(entry, name, in));
      case OCI_LAYOUT -> layoutDirectories.add(name.directory());
      case BLOB -> blob(entry, name, in);
      case OTHER -> other(entry, name, in);
    }
  }

  private void index(EntryName name, byte[] json) {
    layoutDirectories.add(name.directory());
    Origin origin = new Origin(archive.path(), name.directory());
    try {
      intake.visitor().imagesListed(origin, LayoutIndex.parse(json));
    } catch (InvalidListingException e) {
      String reason = "tar entry '" + name.path() + "' in " + archive.label() + " " + e.getMessage();
      if (archive.isBundle() && name.directory().isEmpty()) {
        throw new BundleException(reason); // the bundle's own index: nothing else in it is listed
      }
      intake.visitor().listingBroken(origin, "index.json", reason);
    }
  }

  private void dockerManifest(EntryName name, byte[] json) {
    dockerManifests.put(name.directory(), json);
    for (String path : DockerArchive.referencedPaths(name.directory(), json)) {
      if (path != null) {
        wanted.add(path);
      }
    }
  }

  private void blob(TarArchiveEntry entry, EntryName name, EntryStream in) {
    byte[] head = head(in);
    StagedFile staged = intake.blob(archive, name, entry.getSize(), withHead(head, in), BundleFormat.of(head, head.length));
    if (staged != null) {
      files.staged(name.path(), staged);
    }
  }

  private void other(TarArchiveEntry entry, EntryName name, EntryStream in) {
    byte[] head = head(in);
    BundleFormat content = BundleFormat.of(head, head.length);
    boolean dockerFile = name.looksLikeDockerFile() || wanted.contains(name.path());
    if (archive.isBundle() && content.isArchive() && !dockerFile) {
      nested(name, content, withHead(head, in));
    } else if (dockerFile) {
      StagedFile staged = intake.unnamed(entry.getSize(), withHead(head, in), content);
      if (staged == null) {
        files.tooLarge(name.path(), entry.getSize());
      } else {
        files.staged(name.path(), staged);
      }
    }
  }

  /**
   * Reads a nested archive from the bundle's stream, never from disk. What is wrong inside it breaks
   * its images only; a failure to read the bundle around it is the bundle's, and ends the read.
   */
  private void nested(EntryName name, BundleFormat content, InputStream raw) {
    Archive inner = archive.nested(name.path());
    try (InputStream decompressed = new BufferedInputStream(content.open(raw, intake.xzDecoder()), DECOMPRESSED_BUFFER_BYTES)) {
      if (!holdsTar(decompressed)) {
        return; // a compressed file of something else: no images in it
      }
      ArchiveReader reader = new ArchiveReader(inner, content, intake);
      reader.readEntries(new TarArchiveInputStream(decompressed));
      drain(decompressed, inner, content);
      reader.finish();
    } catch (ArchiveDamagedException e) {
      if (!e.archive().equals(inner)) {
        throw e;
      }
      intake.visitor().archiveBroken(inner.path(), e.getMessage());
    } catch (IOException e) {
      intake.visitor().archiveBroken(inner.path(), EntryStream.unreadable(inner, content, "at its start", e).getMessage());
    }
  }

  private void link(TarArchiveEntry entry, EntryName name) {
    String target = name.linkTarget(entry.getLinkName(), entry.isSymbolicLink());
    if (target == null) {
      throw new ArchiveDamagedException(archive, "tar entry '" + entry.getName() + "' in " + archive.label() + " is a "
          + (entry.isSymbolicLink() ? "symbolic" : "hard") + " link to '" + entry.getLinkName()
          + "', outside the archive: refusing " + archive.noun() + "; re-create it without links that leave it");
    }
    files.link(name.path(), target);
  }

  private byte[] listing(TarArchiveEntry entry, EntryName name, EntryStream in) {
    if (entry.getSize() > LISTING_BYTES_MAX) {
      throw new ArchiveDamagedException(archive, "tar entry '" + name.path() + "' in " + archive.label() + " is "
          + entry.getSize() + " bytes, more than a listing of images can sensibly be (" + LISTING_BYTES_MAX
          + "): the archive is damaged; re-create it");
    }
    return readBytes(in, (int) entry.getSize());
  }

  /** Whether a decompressed stream holds a tar; the stream is left where it was. */
  static boolean holdsTar(InputStream decompressed) throws IOException {
    decompressed.mark(BundleFormat.HEAD_BYTES);
    byte[] head = decompressed.readNBytes(BundleFormat.HEAD_BYTES);
    decompressed.reset();
    return BundleFormat.of(head, head.length) == BundleFormat.TAR;
  }

  /** Reads what follows the tar's end blocks, so the decompressor checks its trailer (CRC, checksum). */
  static void drain(InputStream decompressed, Archive archive, BundleFormat format) {
    try {
      decompressed.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw EntryStream.unreadable(archive, format, "at its end", e);
    }
  }

  private static byte[] head(EntryStream in) {
    return readBytes(in, BundleFormat.HEAD_BYTES);
  }

  private static byte[] readBytes(EntryStream in, int length) {
    try {
      return in.readNBytes(length);
    } catch (IOException e) {
      throw new IllegalStateException("an EntryStream reports read failures as ArchiveDamagedException", e);
    }
  }

  private static InputStream withHead(byte[] head, InputStream rest) {
    return new SequenceInputStream(new ByteArrayInputStream(head), rest);
  }
}
