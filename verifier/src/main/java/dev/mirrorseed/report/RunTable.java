package dev.mirrorseed.report;

import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.run.ImageOutcome;
import dev.mirrorseed.run.PushDetails;
import dev.mirrorseed.run.RunSummary;
import java.util.ArrayList;
import java.util.List;

/**
 * A run as a table for the terminal: a row per image (source and target, short digest, status, bytes
 * uploaded, attempts, worker, push duration), then each failed image's problems. Text from events (image
 * names come from bundles) is printed with its control characters replaced, so no name can move the
 * cursor or recolour the terminal.
 */
public final class RunTable {
  private static final String[] HEADER = {"IMAGE", "DIGEST", "STATUS", "BYTES", "ATTEMPTS", "WORKER", "DURATION"};
  /** Columns whose numbers are right-aligned. */
  private static final boolean[] RIGHT = {false, false, false, true, true, false, true};
  private static final int SHORT_HEX = 12;

  private RunTable() {}

  /** The table's lines, header first; a run without images is a single line saying so. */
  public static List<String> lines(RunSummary summary) {
    if (summary.images().isEmpty()) {
      return List.of("no image of run " + printable(summary.runId()) + " has a result yet");
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    summary.images().forEach(outcome -> rows.add(row(outcome)));
    int[] widths = new int[HEADER.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        String format = "%" + (RIGHT[i] ? "" : "-") + widths[i] + "s";
        line.append(i == 0 ? "" : "  ").append(String.format(format, row[i]));
      }
      lines.add(line.toString().stripTrailing());
    }
    for (ImageOutcome outcome : summary.images()) {
      if (outcome.status() == ImageOutcome.Status.FAILED) {
        lines.add("FAILED " + printable(outcome.sourceRef()) + ": " + printable(String.join("; ", outcome.problems())));
      }
    }
    return lines;
  }

  private static String[] row(ImageOutcome outcome) {
    PushDetails push = outcome.push();
    boolean pushed = push != null && push.byWorker();
    return new String[] {
        image(outcome),
        shortDigest(outcome.observedDigest() != null ? outcome.observedDigest() : outcome.expectedDigest()),
        status(outcome.status()),
        Sizes.human(outcome.bytesUploaded()),
        pushed ? Integer.toString(push.attempts()) : "-",
        push == null ? "-" : printable(push.workerId()),
        pushed ? Durations.human(push.durationMillis()) : "-"};
  }

  /** {@code source -> target}; just the source for an image whose name the bundle did not yield. */
  static String image(ImageOutcome outcome) {
    return outcome.targetRef().equals(outcome.sourceRef())
        ? printable(outcome.sourceRef())
        : printable(outcome.sourceRef()) + " -> " + printable(outcome.targetRef());
  }

  /** e.g. {@code sha256:3f9a0c1d2e4b}: enough to tell images apart and to find the whole one in the JSON. */
  public static String shortDigest(Digest digest) {
    if (digest == null) {
      return "-";
    }
    String text = digest.toString();
    int colon = text.indexOf(':');
    return text.length() <= colon + 1 + SHORT_HEX ? text : text.substring(0, colon + 1 + SHORT_HEX);
  }

  public static String status(ImageOutcome.Status status) {
    return switch (status) {
      case VERIFIED -> "verified";
      case FAILED -> "FAILED";
      case PUSHED -> "pushed";
    };
  }

  static String printable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return out.toString();
  }
}
