package dev.mirrorseed.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * A page opened in Debian's Chromium, headless and offline, as a person would open a report: the DOM
 * after its scripts ran, a screenshot, and every network request the page itself started.
 *
 * <p>Run as root (CI is), Chromium needs {@code --no-sandbox}; {@code --disable-dev-shm-usage} keeps it off a
 * small /dev/shm; the profile lives under target/. The binary is run without Debian's {@code chromium}
 * wrapper, whose /etc/chromium.d defaults turn on remote extensions (update checks at every start). Host
 * names all fail to resolve and every request goes to a dead loopback proxy, so nothing leaves the
 * machine even if a page asked; what a page asks for is read from Chromium's own NetLog, where
 * the browser's background requests (initiator "not an origin") are told apart from the page's.
 */
final class HeadlessChromium {
  private static final List<String> BINARIES = List.of("/usr/lib/chromium/chromium", "/usr/bin/chromium");
  private static final long TIMEOUT_SECONDS = 90;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path binary;
  private final Path work;

  /** What Chromium made of a page: its DOM once scripts ran, and the URLs the page requested. */
  record Page(String dom, List<String> requests) {}

  private HeadlessChromium(Path binary, Path work) {
    this.binary = binary;
    this.work = work;
  }

  /** Chromium working in {@code work}; fails (never skips) when it is not installed. */
  static HeadlessChromium in(Path work) {
    Path binary = BINARIES.stream().map(Path::of).filter(Files::isExecutable).findFirst().orElseThrow(() ->
        new AssertionError("Chromium is not installed (looked for " + BINARIES + "): run scripts/install-deps.sh"
            + " as root, or apt-get install chromium"));
    return new HeadlessChromium(binary, work);
  }

  Page open(Path html) {
    Path netLog = work.resolve("netlog-" + html.getFileName() + ".json");
    String dom = run("dom-" + html.getFileName(), html, "--log-net-log=" + netLog, "--dump-dom");
    return new Page(dom, pageRequests(netLog));
  }

  BufferedImage screenshot(Path html, int width, int height) {
    Path png = work.resolve("screenshot-" + html.getFileName() + ".png");
    run("screenshot-" + html.getFileName(), html, "--window-size=" + width + "," + height, "--hide-scrollbars",
        "--screenshot=" + png);
    try {
      BufferedImage image = ImageIO.read(png.toFile());
      if (image == null) {
        throw new AssertionError("Chromium wrote no readable PNG at " + png);
      }
      return image;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String run(String name, Path html, String... action) {
    List<String> command = new ArrayList<>(List.of(binary.toString(),
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--user-data-dir=" + work.resolve("profile"), "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
        "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9"));
    command.addAll(List.of(action));
    command.add(html.toUri().toString());
    Path out = work.resolve(name + ".out");
    Path err = work.resolve(name + ".err");
    try {
      Files.createDirectories(work);
      Process chromium = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
      if (!chromium.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        chromium.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("Chromium still running after " + TIMEOUT_SECONDS + " s: " + command);
      }
      if (chromium.exitValue() != 0) {
        throw new AssertionError("Chromium exited with " + chromium.exitValue() + ": " + command + "\n"
            + Files.readString(err));
      }
      return Files.readString(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while Chromium ran", e);
    }
  }

  /** The URLs of requests the page started (not the browser's own), from Chromium's NetLog. */
  private static List<String> pageRequests(Path netLog) {
    try {
      JsonNode log = JSON.readTree(netLog.toFile());
      int startJob = log.path("constants").path("logEventTypes").path("URL_REQUEST_START_JOB").asInt(-1);
      if (startJob < 0 || !log.path("events").isArray()) {
        throw new AssertionError("unexpected NetLog " + netLog + ": no URL_REQUEST_START_JOB event type");
      }
      List<String> requests = new ArrayList<>();
      for (JsonNode event : log.path("events")) {
        JsonNode params = event.path("params");
        if (event.path("type").asInt() == startJob && params.has("url")
            && !"not an origin".equals(params.path("initiator").asText("not an origin"))) {
          requests.add(params.path("url").asText());
        }
      }
      return requests;
    } catch (IOException e) {
      throw new AssertionError("Chromium left no readable NetLog at " + netLog + ": " + e.getMessage(), e);
    }
  }
}
