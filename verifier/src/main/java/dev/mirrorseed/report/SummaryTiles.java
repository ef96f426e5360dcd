package dev.mirrorseed.report;

import dev.mirrorseed.run.ImageOutcome;
import dev.mirrorseed.run.PushDetails;
import dev.mirrorseed.run.RunSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** The run's numbers at a glance: images, pushed, verified, failed, bytes, and the time the pushes took. */
final class SummaryTiles {
  private SummaryTiles() {}

  static String render(RunSummary summary) {
    StringBuilder tiles = new StringBuilder("<dl class=\"tiles\">\n");
    tile(tiles, "images", "images", summary.plan() == null
        ? Integer.toString(summary.images().size())
        : summary.images().size() + " of " + summary.plan().images());
    tile(tiles, "pushed", "pushed", Integer.toString(summary.pushed()));
    tile(tiles, "verified", "verified", Long.toString(summary.verified()));
    tile(tiles, summary.failed() == 0 ? "failed none" : "failed", "failed", Long.toString(summary.failed()));
    if (summary.awaitingVerdict() > 0) {
      tile(tiles, "awaiting", "awaiting a verdict", Long.toString(summary.awaitingVerdict()));
    }
    if (summary.missing() > 0) {
      tile(tiles, "missing", "no result yet", Long.toString(summary.missing()));
    }
    tile(tiles, "bytes", "uploaded", Sizes.human(summary.bytesUploaded()));
    List<PushDetails> pushes = summary.images().stream().map(ImageOutcome::push)
        .filter(Objects::nonNull).filter(PushDetails::byWorker).toList();
    if (!pushes.isEmpty()) {
      tile(tiles, "span", "pushing took", Durations.human(Duration.between(first(pushes), last(pushes)).toMillis()));
      tile(tiles, "workers", "workers", Long.toString(pushes.stream().map(PushDetails::workerId).distinct().count()));
    }
    tiles.append("</dl>\n");
    if (!pushes.isEmpty()) {
      tiles.append("<p class=\"plan\">Pushes from ").append(Html.text(TimeScale.UTC.format(first(pushes))))
          .append(" to ").append(Html.text(TimeScale.UTC.format(last(pushes)))).append(".</p>\n");
    }
    return tiles.toString();
  }

  private static Instant first(List<PushDetails> pushes) {
    return pushes.stream().map(PushDetails::startedAt).min(Comparator.naturalOrder()).orElseThrow();
  }

  private static Instant last(List<PushDetails> pushes) {
    return pushes.stream().map(PushDetails::at).max(Comparator.naturalOrder()).orElseThrow();
  }

  private static void tile(StringBuilder tiles, String kind, String label, String value) {
    String id = kind.split(" ")[0];
    tiles.append("<div class=\"tile ").append(kind).append("\" id=\"count-").append(id).append("\"><dt>")
        .append(Html.text(label)).append("</dt><dd>").append(Html.text(value)).append("</dd></div>\n");
  }
}
