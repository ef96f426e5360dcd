package dev.mirrorseed.report;

import dev.mirrorseed.run.ImageOutcome;
import dev.mirrorseed.run.PushDetails;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * The pushes of a run on a time axis, a row per worker: each push a bar from its start (its result's
 * time less its duration) to its end, coloured by the image's status, its details in a tooltip.
 */
final class TimelineSvg {
  private static final int WIDTH = 960;
  private static final int LABEL_WIDTH = 230;
  private static final int ROW_HEIGHT = 24;
  private static final int AXIS_HEIGHT = 28;
  private static final int LABEL_CHARS = 34;

  private TimelineSvg() {}

  /** The chart, or a sentence when no worker pushed anything. */
  static String render(List<ImageOutcome> images) {
    List<ImageOutcome> pushes = images.stream()
        .filter(image -> image.push() != null && image.push().byWorker())
        .sorted(Comparator.comparing(image -> image.push().startedAt()))
        .toList();
    if (pushes.isEmpty()) {
      return "<p class=\"empty\">No worker pushed an image of this run.</p>\n";
    }
    TreeMap<String, Integer> rows = new TreeMap<>();
    pushes.forEach(image -> rows.put(image.push().workerId(), 0));
    int index = 0;
    for (var row : rows.entrySet()) {
      row.setValue(index++);
    }
    Instant from = pushes.stream().map(image -> image.push().startedAt()).min(Comparator.naturalOrder()).orElseThrow();
    Instant to = pushes.stream().map(image -> image.push().at()).max(Comparator.naturalOrder()).orElseThrow();
    TimeScale scale = TimeScale.over(from, to, LABEL_WIDTH, WIDTH - LABEL_WIDTH - 12);
    int height = rows.size() * ROW_HEIGHT + AXIS_HEIGHT;

    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg id=\"timeline-chart\" class=\"chart\" viewBox=\"0 0 %d %d\""
        + " role=\"img\" aria-label=\"pushes per worker over time\">%n", WIDTH, height));
    rows.forEach((worker, row) -> {
      int y = row * ROW_HEIGHT;
      svg.append(String.format(Locale.ROOT, "<g class=\"worker\" data-worker=\"%s\"><title>%s</title>"
          + "<rect class=\"lane\" x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\"/>"
          + "<text class=\"worker-name\" x=\"6\" y=\"%d\">%s</text></g>%n",
          Html.text(worker), Html.text(worker), y, WIDTH, ROW_HEIGHT, y + ROW_HEIGHT / 2 + 4,
          Html.text(shortened(worker))));
    });
    Axis.ticks(svg, scale, rows.size() * ROW_HEIGHT);
    for (ImageOutcome image : pushes) {
      PushDetails push = image.push();
      double x = scale.at(push.startedAt());
      double width = Math.max(2, scale.at(push.at()) - x);
      int y = rows.get(push.workerId()) * ROW_HEIGHT + 4;
      svg.append(String.format(Locale.ROOT, "<rect class=\"push %s\" data-worker=\"%s\" data-image=\"%s\""
          + " x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" rx=\"2\"><title>%s</title></rect>%n",
          image.status().name().toLowerCase(Locale.ROOT), Html.text(push.workerId()), Html.text(image.targetRef()),
          x, y, width, ROW_HEIGHT - 8, Html.text(tooltip(image))));
    }
    return svg.append("</svg>\n").toString();
  }

  private static String tooltip(ImageOutcome image) {
    PushDetails push = image.push();
    return String.format("%s\n%s, %s uploaded in %s, %d attempt%s\n%s to %s", image.targetRef(),
        RunTable.status(image.status()), Sizes.human(image.bytesUploaded()), Durations.human(push.durationMillis()),
        push.attempts(), push.attempts() == 1 ? "" : "s", TimeScale.UTC.format(push.startedAt()),
        TimeScale.UTC.format(push.at()));
  }

  private static String shortened(String worker) {
    return worker.length() <= LABEL_CHARS ? worker : "…" + worker.substring(worker.length() - LABEL_CHARS + 1);
  }
}
