package dev.mirrorseed.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.run.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report as text: what it shows, what it escapes, and that it needs nothing from outside. */
class HtmlReportTest {
  private static final Pattern REMOTE_REFERENCE =
      Pattern.compile("(?i)(src|href|action|xlink:href)\\s*=|url\\(|@import|https?://");

  @Test
  void showsTheSummaryARowPerImageAndABarPerPush() {
    String page = HtmlReport.render(SampleRun.typical().summary());

    assertThat(page).contains("<code id=\"run-id\">" + SampleRun.RUN + "</code>")
        .contains("id=\"count-images\"><dt>images</dt><dd>5 of 5</dd>")
        .contains("id=\"count-pushed\"><dt>pushed</dt><dd>3</dd>")
        .contains("id=\"count-verified\"><dt>verified</dt><dd>3</dd>")
        .contains("id=\"count-failed\"><dt>failed</dt><dd>2</dd>")
        .contains("<dd>150.3 MB</dd>");
    assertThat(count(page, "<tr class=\"image-row ")).isEqualTo(5);
    assertThat(count(page, "<tr class=\"image-row failed\"")).isEqualTo(2);
    // The producer's failure never reached a worker: it is a row, not a bar.
    assertThat(count(page, "<rect class=\"push ")).isEqualTo(4);
    assertThat(count(page, "<g class=\"worker\"")).isEqualTo(3);
    assertThat(page).contains("data-worker=\"node-1-101-w1\"", "data-worker=\"node-1-101-w2\"",
        "data-worker=\"node-2-202-w1\"", "<rect class=\"push failed\"");
    assertThat(page).contains("<li>push failed: registry 127.0.0.1:5000 answered 503 Service Unavailable</li>")
        .contains("<li>unreadable in the bundle: blob sha256:00ff is missing from the bundle</li>");
    assertThat(page).contains("/bundles/bmpackages.tar.xz").contains("by node-0-7");
  }

  @Test
  void throughputSpreadsEachPushsBytesOverItsBuckets() {
    String page = HtmlReport.render(SampleRun.typical().summary());

    List<Long> bytes = Pattern.compile("<rect class=\"bucket\" data-start=\"[^\"]+\" data-bytes=\"(\\d+)\"")
        .matcher(page).results().map(match -> Long.parseLong(match.group(1))).toList();
    assertThat(bytes).hasSizeGreaterThan(5);
    assertThat(bytes.stream().mapToLong(Long::longValue).sum()).isBetween(150_300_000L - bytes.size(),
        150_300_000L + bytes.size());
  }

  @Test
  void markupInImageNamesAndMessagesIsShownAsTextNeverAsMarkup() {
    String evil = "<script>document.title='pwned'</script>";
    RunSummary summary = SampleRun.create()
        .unreadable("images/" + evil + ".tar", "entry <img src=x onerror=alert(1)> is \"bad\" & 'odd'")
        .pushFailed("gcr.io/x/" + evil + ":1", "w\"><svg onload=alert(2)>", 0, 1, 1, "</td></tr><b>bold</b>")
        .planned().summary();

    String page = HtmlReport.render(summary);

    assertThat(page).doesNotContain(evil, "<img src", "<svg onload", "<b>bold</b>")
        .contains("images/&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;.tar")
        .contains("entry &lt;img src=x onerror=alert(1)&gt; is &quot;bad&quot; &amp; &#39;odd&#39;")
        .contains("data-worker=\"w&quot;&gt;&lt;svg onload=alert(2)&gt;\"")
        .contains("&lt;/td&gt;&lt;/tr&gt;&lt;b&gt;bold&lt;/b&gt;");
    assertThat(count(page, "<script>")).as("only the page's own script").isEqualTo(1);
  }

  @Test
  void controlCharactersFromEventsNeverReachThePage() {
    RunSummary summary = SampleRun.create().unreadable("images/bell\u0007\u001b[31mred.tar", "nul\u0000").summary();

    assertThat(HtmlReport.render(summary)).doesNotContain("\u0007", "\u001b", "\u0000").contains("bell\uFFFD\uFFFD[31mred");
  }

  @Test
  void loadsNothingFromAnywhereAndForbidsLoadingByPolicy() {
    String page = HtmlReport.render(SampleRun.typical().summary());

    assertThat(REMOTE_REFERENCE.matcher(page).results().map(m -> m.group()).toList()).isEmpty();
    assertThat(page).contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';");
  }

  @Test
  void anEmptyRunSaysSoInsteadOfDrawingEmptyCharts() {
    RunSummary summary = SampleRun.create().planned(0).summary();

    String page = HtmlReport.render(summary);

    assertThat(page).contains("No worker pushed an image of this run.", "Nothing was uploaded in this run.",
        "No image of this run has a result yet.", "<dd>0 of 0</dd>").doesNotContain("<svg", "<table");
  }

  @Test
  void aRunWithoutItsPlanYetShowsWhatIsThereAndImagesAwaitingAVerdict() {
    RunSummary summary = SampleRun.create().awaitingVerdict("gcr.io/x/y:1", "node-1-101-w1", 0, 3, 5000).summary();

    String page = HtmlReport.render(summary);

    assertThat(page).contains("plan for this run is not on the audit topic", "id=\"count-awaiting\"",
        "<rect class=\"push pushed\"", "<span class=\"status pushed\">pushed</span>");
  }

  @Test
  void writesTheWholePageToAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("reports/run.html");

    HtmlReport.write(SampleRun.typical().summary(), file);

    assertThat(Files.readString(file)).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
    assertThat(dir.resolve("reports")).isDirectoryNotContaining("glob:**.tmp");
  }

  private static long count(String text, String part) {
    return Pattern.compile(Pattern.quote(part)).matcher(text).results().count();
  }
}
