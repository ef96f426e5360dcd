package dev.mirrorseed.bundle;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Builds the tar variants a bundle reader must cope with, hostile ones included. */
public final class TarBuilder implements AutoCloseable {
  private final TarArchiveOutputStream tar;

  public TarBuilder(Path file) throws IOException {
    this(Files.newOutputStream(file));
  }

  public TarBuilder(OutputStream out) {
    tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
  }

  /** Every file of a layout directory, under {@code prefix} (e.g. "bundle/", or ""). */
  public TarBuilder layout(Path layoutDir, String prefix) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(layoutDir)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path file : files) {
      file(prefix + layoutDir.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
    }
    return this;
  }

  public TarBuilder file(String name, byte[] content) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name, true); // true: keep absolute names as they are
    entry.setSize(content.length);
    tar.putArchiveEntry(entry);
    tar.write(content);
    tar.closeArchiveEntry();
    return this;
  }

  public TarBuilder symlink(String name, String target) throws IOException {
    return link(name, target, TarConstants.LF_SYMLINK);
  }

  public TarBuilder hardlink(String name, String target) throws IOException {
    return link(name, target, TarConstants.LF_LINK);
  }

  private TarBuilder link(String name, String target, byte type) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name, type);
    entry.setLinkName(target);
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
    return this;
  }

  @Override
  public void close() throws IOException {
    tar.close();
  }
}
