package dev.mirrorseed.cli;

import dev.mirrorseed.report.Sizes;
import dev.mirrorseed.run.ImageOutcome;
import java.io.PrintWriter;
import java.util.function.Consumer;

/** The one terminal line per image. */
final class OutcomeLine {
  private OutcomeLine() {}

  /** Prints each verdict as it comes, for push and verify. */
  static Consumer<ImageOutcome> printer(PrintWriter out) {
    return outcome -> {
      out.println(of(outcome));
      out.flush();
    };
  }

  static String of(ImageOutcome outcome) {
    String status = outcome.status() == ImageOutcome.Status.VERIFIED ? "verified" : "FAILED";
    // An image whose name the bundle did not yield has no target: its source says which it was.
    String head = outcome.targetRef().equals(outcome.sourceRef())
        ? String.format("%-8s %s", status, outcome.sourceRef())
        : String.format("%-8s %s -> %s", status, outcome.sourceRef(), outcome.targetRef());
    if (outcome.status() == ImageOutcome.Status.VERIFIED) {
      return head + " " + outcome.observedDigest() + " (" + Sizes.human(outcome.bytesUploaded()) + " uploaded)";
    }
    return head + ": " + String.join("; ", outcome.problems());
  }
}
