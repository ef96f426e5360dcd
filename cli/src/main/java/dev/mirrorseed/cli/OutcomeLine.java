package dev.mirrorseed.cli;

import dev.mirrorseed.run.ImageOutcome;

/** The one terminal line per image. */
final class OutcomeLine {
  private OutcomeLine() {}

  static String of(ImageOutcome outcome) {
    String head = String.format("%-8s %s -> %s", outcome.status() == ImageOutcome.Status.VERIFIED
        ? "verified" : "FAILED", outcome.sourceRef(), outcome.targetRef());
    if (outcome.status() == ImageOutcome.Status.VERIFIED) {
      return head + " " + outcome.observedDigest() + " (" + Sizes.human(outcome.bytesUploaded()) + " uploaded)";
    }
    return head + ": " + String.join("; ", outcome.problems());
  }
}
