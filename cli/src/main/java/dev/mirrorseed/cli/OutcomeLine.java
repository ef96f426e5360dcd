package dev.mirrorseed.cli;

import dev.mirrorseed.report.Sizes;
import dev.mirrorseed.run.ImageOutcome;
import java.io.PrintWriter;
import java.util.function.Consumer;
import java.util.function.Function;

/** The one terminal line per image. */
final class OutcomeLine {
  private OutcomeLine() {}

  /** Prints each verdict as it comes, for push and verify. */
  static Consumer<ImageOutcome> printer(PrintWriter out) {
    return printer(out, OutcomeLine::of);
  }

  /** Prints each verdict of {@code verify --source}, which uploaded nothing to speak of. */
  static Consumer<ImageOutcome> checkPrinter(PrintWriter out) {
    return printer(out, OutcomeLine::checked);
  }

  static String of(ImageOutcome outcome) {
    return outcome.status() == ImageOutcome.Status.VERIFIED
        ? head(outcome) + " " + outcome.observedDigest() + " (" + Sizes.human(outcome.bytesUploaded()) + " uploaded)"
        : failed(outcome);
  }

  static String checked(ImageOutcome outcome) {
    return outcome.status() == ImageOutcome.Status.VERIFIED
        ? head(outcome) + " " + outcome.observedDigest()
        : failed(outcome);
  }

  private static Consumer<ImageOutcome> printer(PrintWriter out, Function<ImageOutcome, String> line) {
    return outcome -> {
      // One call per line: verify --source prints from several threads.
      out.print(line.apply(outcome) + System.lineSeparator());
      out.flush();
    };
  }

  private static String failed(ImageOutcome outcome) {
    return head(outcome) + ": " + String.join("; ", outcome.problems());
  }

  private static String head(ImageOutcome outcome) {
    String status = outcome.status() == ImageOutcome.Status.VERIFIED ? "verified" : "FAILED";
    // An image whose name the bundle did not yield has no target: its source says which it was.
    return outcome.targetRef().equals(outcome.sourceRef())
        ? String.format("%-8s %s", status, outcome.sourceRef())
        : String.format("%-8s %s -> %s", status, outcome.sourceRef(), outcome.targetRef());
  }
}
