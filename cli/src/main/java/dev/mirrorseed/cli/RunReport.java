package dev.mirrorseed.cli;

import dev.mirrorseed.report.JsonReport;
import dev.mirrorseed.run.RunSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** {@code --report} and the line that ends a run on the terminal, the same for push and verify. */
final class RunReport {
  @Option(names = "--report", paramLabel = "FILE.json", description = "Write a JSON report of the run.")
  Path file;

  /** Writes the report if one was asked for, prints the counts and gives the exit status. */
  int finish(RunSummary summary, PrintWriter out) throws IOException {
    return finish(summary, RunReport::counts, out);
  }

  /** As above, the counts said by {@code counts}. */
  int finish(RunSummary summary, Function<RunSummary, String> counts, PrintWriter out) throws IOException {
    if (file != null) {
      JsonReport.write(summary, file);
    }
    out.println(counts.apply(summary));
    out.flush();
    return summary.allVerified() ? ExitCode.OK.code : ExitCode.IMAGES_FAILED.code;
  }

  /** e.g. {@code 6 pushed, 6 verified, 0 failed}. */
  static String counts(RunSummary summary) {
    return String.format("%d pushed, %d verified, %d failed", summary.pushed(), summary.verified(), summary.failed());
  }

  /** For a check that pushed nothing: e.g. {@code 6 images, 5 verified, 1 failed}. */
  static String checkedCounts(RunSummary summary) {
    return String.format("%d images, %d verified, %d failed", summary.images().size(), summary.verified(),
        summary.failed());
  }
}
