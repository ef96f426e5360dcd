package dev.mirrorseed.report;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mirrorseed.events.EventJson;
import dev.mirrorseed.run.RunSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes a run's summary as the JSON report an operator files: one entry per image. */
public final class JsonReport {
  private JsonReport() {}

  /** Written to a temp file and renamed, so a report on disk is always whole. */
  public static void write(RunSummary summary, Path file) throws IOException {
    Path absolute = file.toAbsolutePath();
    Files.createDirectories(absolute.getParent());
    Path temp = Files.createTempFile(absolute.getParent(), absolute.getFileName().toString(), ".tmp");
    EventJson.MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValue(temp.toFile(), new ReportDocument(summary));
    Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The report's top level: totals first, then the images. */
  record ReportDocument(
      String runId, int images, int pushed, long verified, long failed, long bytesUploaded,
      java.util.List<dev.mirrorseed.run.ImageOutcome> results) {
    ReportDocument(RunSummary s) {
      this(s.runId(), s.images().size(), s.pushed(), s.verified(), s.failed(), s.bytesUploaded(), s.images());
    }
  }
}
