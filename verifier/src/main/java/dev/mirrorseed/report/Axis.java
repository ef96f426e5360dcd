package dev.mirrorseed.report;

import java.util.Locale;

/** The time axis under a chart: a grid line and a label (time since the chart's start) per round step. */
final class Axis {
  private Axis() {}

  static void ticks(StringBuilder svg, TimeScale scale, int plotHeight) {
    long step = scale.tickStep();
    for (long offset = 0; scale.fromMillis() + offset <= scale.toMillis(); offset += step) {
      double x = scale.x() + offset * scale.width() / (scale.toMillis() - scale.fromMillis());
      // The first label starts at its line, the last ends there, so neither runs off the chart.
      String anchor = offset == 0 ? "start" : x > scale.x() + scale.width() - 30 ? "end" : "middle";
      svg.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%d\"/>"
          + "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">+%s</text>%n", x, x, plotHeight, x,
          plotHeight + 16, anchor, Html.text(label(offset))));
    }
  }

  /** {@code 0 s}, {@code 500 ms}, {@code 15 s}, {@code 2 min}: ticks fall on round steps. */
  static String label(long offsetMillis) {
    if (offsetMillis % 60_000 == 0 && offsetMillis > 0) {
      return offsetMillis / 60_000 + " min";
    }
    if (offsetMillis % 1000 == 0) {
      return offsetMillis / 1000 + " s";
    }
    return Durations.human(offsetMillis);
  }
}
