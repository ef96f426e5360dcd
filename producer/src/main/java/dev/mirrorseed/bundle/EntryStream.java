package dev.mirrorseed.bundle;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The content of one archive entry, whose read failures are the archive's damage: a truncated or
 * corrupt archive is reported as a bad bundle (naming archive and entry), not as a failure to write
 * the staging directory. Closing it leaves the archive open for its next entry.
 */
final class EntryStream extends FilterInputStream {
  private final Archive archive;
  private final String entryName;
  private final BundleFormat format;

  EntryStream(InputStream archiveStream, Archive archive, BundleFormat format, String entryName) {
    super(archiveStream);
    this.archive = archive;
    this.format = format;
    this.entryName = entryName;
  }

  @Override
  public int read() {
    try {
      return in.read();
    } catch (IOException e) {
      throw unreadable(archive, format, "at entry '" + entryName + "'", e);
    }
  }

  @Override
  public int read(byte[] buffer, int offset, int length) {
    try {
      return in.read(buffer, offset, length);
    } catch (IOException e) {
      throw unreadable(archive, format, "at entry '" + entryName + "'", e);
    }
  }

  @Override
  public long skip(long n) {
    try {
      return in.skip(n);
    } catch (IOException e) {
      throw unreadable(archive, format, "at entry '" + entryName + "'", e);
    }
  }

  @Override
  public int available() {
    try {
      return in.available();
    } catch (IOException e) {
      throw unreadable(archive, format, "at entry '" + entryName + "'", e);
    }
  }

  @Override
  public void close() {
    // The archive goes on to its next entry; its reader closes it.
  }

  /** The one message for an archive that cannot be read on {@code where} ("at entry 'x'", "at its end"). */
  static ArchiveDamagedException unreadable(Archive archive, BundleFormat format, String where, IOException e) {
    String cause = e.getMessage() != null ? e.getMessage().lines().findFirst().orElse("")
        : e instanceof EOFException ? "unexpected end of data" : e.getClass().getSimpleName();
    return new ArchiveDamagedException(archive, archive.label() + " is not a readable " + format + " " + where
        + " (" + cause + "): it is truncated or damaged; re-create or re-download it", e);
  }
}
