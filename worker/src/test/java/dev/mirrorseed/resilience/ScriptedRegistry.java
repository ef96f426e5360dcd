package dev.mirrorseed.resilience;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mirrorseed.registry.RegistryAccess;
import dev.mirrorseed.registry.RegistryClient;
import dev.mirrorseed.registry.RegistryEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A registry that answers from a script, one answer per request in order (the last one repeats), and
 * notes when each request came: for the edges a real registry will not produce on demand.
 */
final class ScriptedRegistry implements AutoCloseable {
  /** One answer: a status, headers, a body. */
  record Answer(int status, Map<String, String> headers, byte[] body) {
    static Answer of(int status, String... headerPairs) {
      Map<String, String> headers = new java.util.LinkedHashMap<>();
      for (int i = 0; i < headerPairs.length; i += 2) {
        headers.put(headerPairs[i], headerPairs[i + 1]);
      }
      return new Answer(status, headers, new byte[0]);
    }
  }

  private final HttpServer server;
  private final Deque<Answer> script;
  private final List<Long> requestNanos = new CopyOnWriteArrayList<>();

  ScriptedRegistry(Answer... answers) {
    this.script = new ArrayDeque<>(List.of(answers));
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::answer);
    server.start();
  }

  String hostPort() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** A client for it over plain HTTP (it is on loopback), its exchanges made under {@code resilience}. */
  RegistryClient client(RegistryResilience resilience) {
    return new RegistryClient(RegistryEndpoint.of(hostPort(), false), RegistryAccess.defaults(), resilience.exchanges());
  }

  int requests() {
    return requestNanos.size();
  }

  /** Seconds between request {@code i} and request {@code i + 1}. */
  double secondsBetween(int i) {
    return (requestNanos.get(i + 1) - requestNanos.get(i)) / 1e9;
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      requestNanos.add(System.nanoTime());
      exchange.getRequestBody().readAllBytes();
      Answer answer;
      synchronized (script) {
        answer = script.size() > 1 ? script.poll() : script.peek();
      }
      answer.headers().forEach(exchange.getResponseHeaders()::add);
      boolean empty = answer.body().length == 0 || exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(answer.status(), empty ? -1 : answer.body().length);
      if (!empty) {
        exchange.getResponseBody().write(answer.body());
      }
    }
  }
}
