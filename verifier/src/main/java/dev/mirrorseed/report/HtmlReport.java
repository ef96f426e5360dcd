package dev.mirrorseed.report;

import dev.mirrorseed.events.RunPlanned;
import dev.mirrorseed.run.ImageOutcome;
import dev.mirrorseed.run.PushDetails;
import dev.mirrorseed.run.RunSummary;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;

/**
 * A run as one self-contained HTML page an operator can file or mail: the summary, a timeline of the
 * pushes per worker, the throughput over time and a table of every image. Styles, the one script
 * (sorting the table) and the charts (SVG) are inline; the page loads nothing, and its
 * Content-Security-Policy forbids it to, so it reads the same offline. Every string from events is
 * escaped ({@link Html}).
 */
public final class HtmlReport {
  private static final String CSS = resource("report.css");
  private static final String SCRIPT = resource("report.js");
  /** Only this page's own style and script may run: markup slipped into a name could load or run nothing. */
  private static final String POLICY = "default-src 'none'; style-src '" + sha256(CSS) + "'; script-src '"
      + sha256(SCRIPT) + "'; img-src data:";

  private HtmlReport() {}

  public static void write(RunSummary summary, Path file) throws IOException {
    WholeFile.write(file, render(summary).getBytes(StandardCharsets.UTF_8));
  }

  public static String render(RunSummary summary) {
    String runId = Html.text(summary.runId());
    StringBuilder page = new StringBuilder(16_384);
    page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(POLICY).append("\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>mirrorseed run ").append(runId).append("</title>\n")
        .append("<style>").append(CSS).append("</style>\n</head>\n<body>\n")
        .append("<header>\n<h1>mirrorseed run <code id=\"run-id\">").append(runId).append("</code></h1>\n")
        .append(plan(summary.plan()))
        .append("</header>\n");
    page.append("<section id=\"summary\">\n<h2>Summary</h2>\n").append(SummaryTiles.render(summary))
        .append("</section>\n");
    page.append("<section id=\"timeline\">\n<h2>Pushes per worker</h2>\n").append(TimelineSvg.render(summary.images()))
        .append("<p class=\"legend\"><span class=\"verified\">verified</span><span class=\"failed\">failed</span>"
            + "<span class=\"pushed\">pushed, awaiting a verdict</span></p>\n</section>\n");
    page.append("<section id=\"throughput\">\n<h2>Throughput</h2>\n").append(ThroughputSvg.render(summary.images()))
        .append("</section>\n");
    page.append("<section id=\"images\">\n<h2>Images</h2>\n").append(table(summary)).append("</section>\n");
    page.append("<footer>Rebuilt from the run's events on Kafka; times in UTC.</footer>\n")
        .append("<script>").append(SCRIPT).append("</script>\n</body>\n</html>\n");
    return page.toString();
  }

  private static String plan(RunPlanned plan) {
    if (plan == null) {
      return "<p class=\"plan\">The producer's plan for this run is not on the audit topic (yet).</p>\n";
    }
    return String.format(Locale.ROOT, "<p class=\"plan\">%d images, %d unique blobs, %s from <code>%s</code>"
        + " (<code>%s</code>) to <code>%s</code>, planned %s%s</p>\n", plan.images(), plan.uniqueBlobs(),
        Html.text(Sizes.human(plan.bytes())), Html.text(plan.source()), Html.text(plan.bundleDigest()),
        Html.text(plan.target()), Html.text(TimeScale.UTC.format(plan.at())),
        plan.writer() == null ? "" : " by " + Html.text(plan.writer().processId()));
  }

  private static String table(RunSummary summary) {
    if (summary.images().isEmpty()) {
      return "<p class=\"empty\">No image of this run has a result yet.</p>\n";
    }
    StringBuilder table = new StringBuilder("<table id=\"images-table\">\n<thead><tr><th>Image (source → target)</th>"
        + "<th>Digest</th><th>Status</th><th class=\"num\">Bytes</th><th class=\"num\">Attempts</th><th>Worker</th>"
        + "<th class=\"num\">Duration</th>"
        + "</tr></thead>\n<tbody>\n");
    for (ImageOutcome image : summary.images()) {
      String status = image.status().name().toLowerCase(Locale.ROOT);
      var digest = image.observedDigest() != null ? image.observedDigest() : image.expectedDigest();
      PushDetails push = image.push();
      boolean pushed = push != null && push.byWorker();
      table.append("<tr class=\"image-row ").append(status).append("\" data-status=\"").append(image.status())
          .append("\">\n<td class=\"image\"><div class=\"source\">").append(Html.text(image.sourceRef()))
          .append("</div>");
      if (!image.targetRef().equals(image.sourceRef())) {
        table.append("<div class=\"target\">→ ").append(Html.text(image.targetRef())).append("</div>");
      }
      if (!image.problems().isEmpty()) {
        table.append("<ul class=\"problems\">");
        image.problems().forEach(problem -> table.append("<li>").append(Html.text(problem)).append("</li>"));
        table.append("</ul>");
      }
      table.append("</td>\n<td class=\"digest mono\" title=\"").append(Html.text(digest)).append("\">")
          .append(Html.text(RunTable.shortDigest(digest))).append("</td>\n")
          .append("<td data-sort=\"").append(status).append("\"><span class=\"status ").append(status).append("\">")
          .append(Html.text(RunTable.status(image.status()))).append("</span></td>\n")
          .append("<td class=\"num\" data-sort=\"").append(image.bytesUploaded()).append("\">")
          .append(Html.text(Sizes.human(image.bytesUploaded()))).append("</td>\n")
          .append("<td class=\"num\">").append(pushed ? push.attempts() : "-").append("</td>\n")
          .append("<td class=\"worker mono\">").append(push == null ? "-" : Html.text(push.workerId())).append("</td>\n")
          .append("<td class=\"num\" data-sort=\"").append(pushed ? push.durationMillis() : -1).append("\">")
          .append(pushed ? Html.text(Durations.human(push.durationMillis())) : "-").append("</td>\n</tr>\n");
    }
    return table.append("</tbody>\n</table>\n").toString();
  }

  private static String resource(String name) {
    try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("report resource " + name + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(String inline) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(inline.getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
