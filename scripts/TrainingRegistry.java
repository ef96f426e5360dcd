// A stand-in registry for scripts/class-data-archive.sh, run as `java scripts/TrainingRegistry.java
// PORT_FILE`: on 127.0.0.1 it answers every request 200 `{}`, as a distribution registry answers
// GET /v2/, so that a training push of an empty bundle gets past its first contact and runs its whole
// pipeline. It writes the port it listens on to PORT_FILE once it listens, and serves until killed.
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

public final class TrainingRegistry {
  public static void main(String[] args) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    server.createContext("/", exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.getResponseHeaders().set("Docker-Distribution-API-Version", "registry/2.0");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    // Written whole or not at all: the script reads it as soon as it appears.
    Path portFile = Path.of(args[0]);
    Path partial = Path.of(args[0] + ".partial");
    Files.writeString(partial, Integer.toString(server.getAddress().getPort()));
    Files.move(partial, portFile, StandardCopyOption.ATOMIC_MOVE);
  }
}
