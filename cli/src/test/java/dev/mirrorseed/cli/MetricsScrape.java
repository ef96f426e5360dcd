package dev.mirrorseed.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of a running command's {@code /metrics}, read as Prometheus' text format. */
record MetricsScrape(List<String> lines) {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)");

  /** The scrape, or null while nothing answers on the port (the command has not started or has ended). */
  static MetricsScrape of(int port) {
    try {
      String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
          .timeout(Duration.ofSeconds(2)).build(), BodyHandlers.ofString()).body();
      return new MetricsScrape(body.lines().filter(line -> !line.startsWith("#")).toList());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The sum of {@code name}'s samples whose labels include every {@code label="value"} given. */
  double sum(String name, String... labels) {
    double sum = 0;
    for (String line : lines) {
      Matcher m = SAMPLE.matcher(line);
      if (m.matches() && m.group(1).equals(name) && hasAll(m.group(3), labels)) {
        sum += Double.parseDouble(m.group(4));
      }
    }
    return sum;
  }

  /** A port free on 127.0.0.1 now, for a command to serve its metrics on. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean hasAll(String labelText, String... labels) {
    for (String label : labels) {
      if (labelText == null || !labelText.contains(label)) {
        return false;
      }
    }
    return true;
  }
}
