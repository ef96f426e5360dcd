package dev.mirrorseed.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reverse proxy on 127.0.0.1 in front of a registry that answers 413 to any request body over a
 * limit, as nginx's {@code client_max_body_size} does: the kind of proxy {@code --chunk-size} is for.
 * Bodies under the limit are relayed whole; Location headers are rewritten to point back at the relay.
 */
final class BodyLimitRelay implements AutoCloseable {
  // The JDK client sets these itself and refuses them from callers; the server frames its own answer.
  private static final Set<String> HOP_BY_HOP = Set.of(
      "host", "connection", "content-length", "expect", "upgrade", "transfer-encoding", "keep-alive", "date");

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();
  private final String upstream;
  private final int maxBodyBytes;
  private final AtomicInteger refused = new AtomicInteger();

  private BodyLimitRelay(String upstream, int maxBodyBytes) throws IOException {
    this.upstream = upstream;
    this.maxBodyBytes = maxBodyBytes;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.createContext("/", this::relay);
    server.setExecutor(threads);
    server.start();
  }

  /** A relay to {@code upstreamHostPort} (plain HTTP) refusing bodies over {@code maxBodyBytes}. */
  static BodyLimitRelay start(String upstreamHostPort, int maxBodyBytes) {
    try {
      return new BodyLimitRelay(upstreamHostPort, maxBodyBytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the body-limit relay on 127.0.0.1", e);
    }
  }

  String hostPort() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** How many requests got 413. */
  int refused() {
    return refused.get();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  private void relay(HttpExchange exchange) throws IOException {
    try (exchange) {
      InputStream in = exchange.getRequestBody();
      byte[] body = in.readNBytes(maxBodyBytes + 1);
      if (body.length > maxBodyBytes) {
        // Read it all first, so the client gets the 413 rather than a reset mid-send.
        in.transferTo(OutputStream.nullOutputStream());
        refused.incrementAndGet();
        byte[] page = "<html><body><h1>413 Request Entity Too Large</h1></body></html>".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/html");
        exchange.sendResponseHeaders(413, page.length);
        exchange.getResponseBody().write(page);
        return;
      }
      HttpResponse<byte[]> answer = forward(exchange, body);
      answer.headers().map().forEach((name, values) -> {
        if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
          exchange.getResponseHeaders().put(name, rewritten(name, values));
        }
      });
      boolean head = exchange.getRequestMethod().equals("HEAD");
      if (head) {
        // A HEAD answer's Content-Length is the blob's size, which the client reads.
        answer.headers().firstValue("Content-Length").ifPresent(length ->
            exchange.getResponseHeaders().set("Content-Length", length));
      }
      byte[] payload = answer.body();
      exchange.sendResponseHeaders(answer.statusCode(), head || payload.length == 0 ? -1 : payload.length);
      if (!head && payload.length > 0) {
        exchange.getResponseBody().write(payload);
      }
    }
  }

  private HttpResponse<byte[]> forward(HttpExchange exchange, byte[] body) throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + upstream + exchange.getRequestURI()))
        .method(exchange.getRequestMethod(), body.length == 0
            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    exchange.getRequestHeaders().forEach((name, values) -> {
      if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
        values.forEach(value -> request.header(name, value));
      }
    });
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while relaying", e);
    }
  }

  private List<String> rewritten(String name, List<String> values) {
    if (!name.equalsIgnoreCase("Location")) {
      return values;
    }
    return values.stream().map(value -> value.replace("//" + upstream + "/", "//" + hostPort() + "/")).toList();
  }
}
