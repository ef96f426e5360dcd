package dev.mirrorseed.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.run.RunSummary;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTML report as a person sees it: opened in a real browser (headless Chromium), offline. What the
 * tests read is the DOM Chromium built and ran the page's script on, its screenshot, and the requests the
 * page made (none).
 */
class HtmlReportInChromiumTest {
  private static final Path WORK = Path.of("target", "chromium-test");
  private static final SampleRun RUN = SampleRun.typical()
      .awaitingVerdict("gcr.io/anthos-baremetal-release/metrics-server:v0.4.1", "node-2-202-w2", 3, 5, 20_000_000);
  private static HeadlessChromium chromium;

  @BeforeAll
  static void chromium() {
    chromium = HeadlessChromium.in(WORK);
  }

  @Test
  void showsTheSummaryARowPerImageABarPerPushAndTheThroughputWithoutTouchingTheNetwork() throws Exception {
    Path html = write("report.html", RUN.summary());

    HeadlessChromium.Page page = chromium.open(html);

    Document dom = Jsoup.parse(page.dom());
    assertThat(dom.title()).isEqualTo("mirrorseed run " + SampleRun.RUN);
    assertThat(tile(dom, "images")).isEqualTo("6 of 5");
    assertThat(tile(dom, "pushed")).isEqualTo("4");
    assertThat(tile(dom, "verified")).isEqualTo("3");
    assertThat(tile(dom, "failed")).isEqualTo("2");
    assertThat(tile(dom, "awaiting")).isEqualTo("1");
    assertThat(tile(dom, "bytes")).isEqualTo("170.3 MB");
    Map<String, String> statusBySource = new HashMap<>();
    for (Element row : dom.select("#images-table tbody tr")) {
      statusBySource.put(row.selectFirst(".source").text(), row.selectFirst(".status").text());
    }
    assertThat(statusBySource).containsOnly(
        Map.entry("gcr.io/anthos-baremetal-release/kube-rbac-proxy:v0.6.0-gke.0", "verified"),
        Map.entry("gcr.io/anthos-baremetal-release/etcd:v3.4.13-0-gke.5", "verified"),
        Map.entry("gcr.io/anthos-baremetal-release/pause:3.1-gke.5", "verified"),
        Map.entry("gcr.io/anthos-baremetal-release/coredns:1.6.5", "FAILED"),
        Map.entry("gcr.io/anthos-baremetal-release/metrics-server:v0.4.1", "pushed"),
        Map.entry("images/broken.tar", "FAILED"));
    assertThat(dom.select("#timeline-chart rect.push")).as("a bar per push by a worker").hasSize(5);
    assertThat(dom.select("#timeline-chart rect.push.failed")).hasSize(1);
    assertThat(dom.select("#timeline-chart .worker-name").eachText()).containsExactly(
        "node-1-101-w1", "node-1-101-w2", "node-2-202-w1", "node-2-202-w2");
    assertThat(dom.select("#timeline-chart rect.push").eachAttr("data-worker")).containsExactlyInAnyOrder(
        "node-1-101-w1", "node-1-101-w2", "node-2-202-w1", "node-2-202-w1", "node-2-202-w2");
    var buckets = dom.select("#throughput-chart rect.bucket");
    assertThat(buckets).hasSizeGreaterThan(10);
    assertThat(buckets.stream().filter(bucket -> Double.parseDouble(bucket.attr("height")) > 0).count())
        .as("data points above zero").isGreaterThan(10);
    assertThat(buckets.stream().mapToLong(bucket -> Long.parseLong(bucket.attr("data-bytes"))).sum())
        .isBetween(170_300_000L - buckets.size(), 170_300_000L + buckets.size());
    assertThat(dom.selectFirst("#images-table").attr("data-sortable"))
        .as("the page's script ran, allowed by its own Content-Security-Policy").isEqualTo("ready");
    assertThat(page.requests()).as("requests the page made").isEmpty();
  }

  @Test
  void markupFromABundleOrARegistryStaysText() throws Exception {
    String script = "<script>document.title='pwned'</script>";
    Path html = write("evil.html", SampleRun.create()
        .unreadable("images/" + script + ".tar", "entry <img src=x onerror=\"document.title='img'\"> is bad")
        .pushFailed("gcr.io/x/evil:1", "w\"><svg onload=\"document.title='svg'\">", 0, 1, 1, "</td></tr><b>bold</b>")
        .planned().summary());

    Document dom = Jsoup.parse(chromium.open(html).dom());

    assertThat(dom.title()).isEqualTo("mirrorseed run " + SampleRun.RUN);
    assertThat(dom.select("img, b, body svg svg, [onerror], [onload]")).isEmpty();
    assertThat(dom.select("script")).hasSize(1);
    assertThat(dom.select("#images-table tbody tr")).hasSize(2);
    assertThat(dom.select(".source").eachText()).contains("images/" + script + ".tar");
    assertThat(dom.select(".problems li").eachText()).contains(
        "unreadable in the bundle: entry <img src=x onerror=\"document.title='img'\"> is bad",
        "push failed: </td></tr><b>bold</b>");
    assertThat(dom.select("#timeline-chart g.worker").eachAttr("data-worker"))
        .containsExactly("w\"><svg onload=\"document.title='svg'\">");
  }

  @Test
  void theScreenshotShowsTheChartsInTheirColours() throws Exception {
    Path html = write("screenshot.html", RUN.summary());

    BufferedImage shot = chromium.screenshot(html, 1280, 1400);

    Set<Integer> colours = new HashSet<>();
    long nonWhite = 0;
    for (int y = 0; y < shot.getHeight(); y++) {
      for (int x = 0; x < shot.getWidth(); x++) {
        int rgb = shot.getRGB(x, y) & 0xffffff;
        colours.add(rgb);
        nonWhite += rgb == 0xffffff ? 0 : 1;
      }
    }
    assertThat(colours.size()).as("distinct colours").isGreaterThan(100);
    assertThat(nonWhite).as("pixels drawn").isGreaterThan((long) shot.getWidth() * shot.getHeight() / 10);
    assertThat(colours).as("verified green, failed red, pushed blue, throughput purple (report.css)")
        .contains(0x2e8540, 0xc62828, 0x3567c4, 0x6a4fb3);
  }

  @Test
  void theNetworkCheckSeesWhatAPageRequests() throws Exception {
    Path html = WORK.resolve("remote.html");
    Files.createDirectories(WORK);
    Files.writeString(html, "<!DOCTYPE html><html><body><img src=\"http://assets.example.com/logo.png\">"
        + "<script>fetch('https://cdn.example.org/chart.js').catch(function () {});</script></body></html>");

    HeadlessChromium.Page page = chromium.open(html);

    assertThat(page.requests()).contains("http://assets.example.com/logo.png", "https://cdn.example.org/chart.js");
  }

  private static Path write(String name, RunSummary summary) throws Exception {
    Path html = WORK.resolve(name);
    HtmlReport.write(summary, html);
    return html.toAbsolutePath();
  }

  private static String tile(Document dom, String id) {
    return dom.selectFirst("#count-" + id + " dd").text();
  }

}
