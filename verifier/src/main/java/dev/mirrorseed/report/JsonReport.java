package dev.mirrorseed.report;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mirrorseed.events.EventJson;
import dev.mirrorseed.events.RunPlanned;
import dev.mirrorseed.run.ImageOutcome;
import dev.mirrorseed.run.RunSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a run's summary as the JSON report an operator files, one entry per image: the one format of
 * {@code push --report}, {@code verify --report} and {@code report --json}.
 */
public final class JsonReport {
  private JsonReport() {}

  public static void write(RunSummary summary, Path file) throws IOException {
    WholeFile.write(file, EventJson.MAPPER.writer(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsBytes(new ReportDocument(summary)));
  }

  /**
   * The report's top level: totals first, then the images, then what was added later (images awaiting
   * a verdict or with no result yet, which only a report rebuilt from the topics of an unfinished run
   * has, and the producer's plan) so that readers of the first fields stay as they were.
   */
  record ReportDocument(
      String runId, int images, int pushed, long verified, long failed, long bytesUploaded,
      List<ImageOutcome> results, long awaitingVerdict, long missing, RunPlanned plan) {
    ReportDocument(RunSummary s) {
      this(s.runId(), s.images().size(), s.pushed(), s.verified(), s.failed(), s.bytesUploaded(), s.images(),
          s.awaitingVerdict(), s.missing(), s.plan());
    }
  }
}
