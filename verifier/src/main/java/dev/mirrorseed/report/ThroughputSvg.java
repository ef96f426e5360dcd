package dev.mirrorseed.report;

import dev.mirrorseed.run.ImageOutcome;
import java.util.List;
import java.util.Locale;

/** Bytes uploaded over the run's time, a bar per {@link Throughput} bucket, its height the rate. */
final class ThroughputSvg {
  private static final int WIDTH = 960;
  private static final int LEFT = 90;
  private static final int PLOT_HEIGHT = 180;
  private static final int AXIS_HEIGHT = 28;

  private ThroughputSvg() {}

  static String render(List<ImageOutcome> images) {
    List<Throughput.Upload> uploads = images.stream()
        .filter(image -> image.push() != null && image.push().byWorker())
        .map(image -> new Throughput.Upload(image.push().startedAt(), image.push().at(), image.bytesUploaded()))
        .toList();
    List<Throughput.Bucket> buckets = Throughput.of(uploads);
    if (buckets.isEmpty()) {
      return "<p class=\"empty\">Nothing was uploaded in this run.</p>\n";
    }
    Throughput.Bucket last = buckets.get(buckets.size() - 1);
    TimeScale scale = TimeScale.over(buckets.get(0).start(), last.start().plus(last.width()), LEFT, WIDTH - LEFT - 12);
    double peak = buckets.stream().mapToDouble(Throughput.Bucket::bytesPerSecond).max().orElse(0);
    double top = peak > 0 ? peak : 1;

    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg id=\"throughput-chart\" class=\"chart\" viewBox=\"0 0 %d %d\""
        + " role=\"img\" aria-label=\"bytes uploaded per %s\">%n", WIDTH, PLOT_HEIGHT + AXIS_HEIGHT,
        Html.text(Axis.label(buckets.get(0).width().toMillis()))));
    svg.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%d\" y=\"12\" text-anchor=\"end\">%s/s</text>"
        + "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>"
        + "<line class=\"grid\" x1=\"%d\" y1=\"8\" x2=\"%d\" y2=\"8\"/>%n",
        LEFT - 6, Html.text(Sizes.human(Math.round(peak))), LEFT - 6, PLOT_HEIGHT, LEFT, WIDTH - 12));
    Axis.ticks(svg, scale, PLOT_HEIGHT);
    for (Throughput.Bucket bucket : buckets) {
      double x = scale.at(bucket.start());
      double width = Math.max(1, scale.at(bucket.start().plus(bucket.width())) - x - 1);
      double height = (PLOT_HEIGHT - 8) * bucket.bytesPerSecond() / top;
      svg.append(String.format(Locale.ROOT, "<rect class=\"bucket\" data-start=\"%s\" data-bytes=\"%d\""
          + " x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>%s</title></rect>%n",
          bucket.start(), bucket.bytes(), x, PLOT_HEIGHT - height, width, height,
          Html.text(String.format("%s: %s uploaded (%s/s)", TimeScale.UTC.format(bucket.start()),
              Sizes.human(bucket.bytes()), Sizes.human(Math.round(bucket.bytesPerSecond()))))));
    }
    return svg.append("</svg>\n").toString();
  }
}
