package dev.mirrorseed.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Report files are written to a temp file and renamed, so a report on disk is always whole. */
final class WholeFile {
  private WholeFile() {}

  static void write(Path file, byte[] content) throws IOException {
    Path absolute = file.toAbsolutePath();
    Files.createDirectories(absolute.getParent());
    Path temp = Files.createTempFile(absolute.getParent(), absolute.getFileName().toString(), ".tmp");
    try {
      Files.write(temp, content);
      Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
