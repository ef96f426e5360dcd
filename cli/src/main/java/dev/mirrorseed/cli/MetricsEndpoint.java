package dev.mirrorseed.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics}: a process's meters in Prometheus' text format, on the JDK's own HTTP server,
 * since one scrape path needs no web framework.
 */
final class MetricsEndpoint implements AutoCloseable {
  private static final String PATH = "/metrics";
  private static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

  private final CompositeMeterRegistry meters;
  private final PrometheusMeterRegistry prometheus;
  private final HttpServer server;

  private MetricsEndpoint(CompositeMeterRegistry meters, PrometheusMeterRegistry prometheus, HttpServer server) {
    this.meters = meters;
    this.prometheus = prometheus;
    this.server = server;
  }

  /** Serves nothing. */
  static MetricsEndpoint none() {
    return new MetricsEndpoint(null, null, null);
  }

  /** Serves what is registered in {@code meters} from now on. */
  static MetricsEndpoint serve(CompositeMeterRegistry meters, InetAddress address, int port) {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(address, port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on " + address.getHostAddress() + ":" + port + " ("
          + e.getMessage() + "): choose another --metrics-port", e);
    }
    server.createContext(PATH, exchange -> scrape(prometheus, exchange));
    server.start();
    meters.add(prometheus);
    return new MetricsEndpoint(meters, prometheus, server);
  }

  String url() {
    InetSocketAddress bound = server.getAddress();
    return "http://" + bound.getAddress().getHostAddress() + ":" + bound.getPort() + PATH;
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
      meters.remove(prometheus);
      prometheus.close();
    }
  }

  private static void scrape(PrometheusMeterRegistry prometheus, HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body = prometheus.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", TEXT_FORMAT);
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(200, head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }
}
