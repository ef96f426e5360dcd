// A stand-in registry for scripts/class-data-archive.sh, run as `java scripts/TrainingRegistry.java
// PORT_FILE`: on 127.0.0.1, the part of the distribution API a push and its verification use (blob
// HEAD, uploads with mounts, monolithic or chunked, manifests by tag or digest), kept in memory, so that
// a training push runs its whole pipeline, uploads and checks included, with nothing outside this
// machine touched and no registry installed. It checks no digest and keeps nothing: it is not a
// registry. It writes the port it listens on to PORT_FILE once it listens, and serves until killed.
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class TrainingRegistry {
  private static final Pattern UPLOADS = Pattern.compile("/v2/(.+)/blobs/uploads/?");
  private static final Pattern UPLOAD = Pattern.compile("/v2/(.+)/blobs/uploads/([0-9a-f-]+)");
  private static final Pattern BLOB = Pattern.compile("/v2/(.+)/blobs/(sha256:[0-9a-f]{64})");
  private static final Pattern MANIFEST = Pattern.compile("/v2/(.+)/manifests/([^/]+)");

  private record Manifest(byte[] bytes, String mediaType, String digest) {}

  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  private final Map<String, ByteArrayOutputStream> uploads = new ConcurrentHashMap<>();
  /** By "repository:tag" and "repository:sha256:...". */
  private final Map<String, Manifest> manifests = new ConcurrentHashMap<>();

  public static void main(String[] args) throws IOException {
    TrainingRegistry registry = new TrainingRegistry();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      try (exchange) {
        registry.answer(exchange);
      }
    });
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
    // Written whole or not at all: the script reads it as soon as it appears.
    Path portFile = Path.of(args[0]);
    Path partial = Path.of(args[0] + ".partial");
    Files.writeString(partial, Integer.toString(server.getAddress().getPort()));
    Files.move(partial, portFile, StandardCopyOption.ATOMIC_MOVE);
  }

  private void answer(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    String query = exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery();
    byte[] body = readBody(exchange.getRequestBody());
    exchange.getResponseHeaders().set("Docker-Distribution-API-Version", "registry/2.0");
    Matcher m;
    if (path.equals("/v2/") || path.equals("/v2")) {
      send(exchange, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8), method);
    } else if ((m = UPLOADS.matcher(path)).matches() && method.equals("POST")) {
      String mount = parameter(query, "mount");
      if (mount != null && blobs.containsKey(mount)) {
        exchange.getResponseHeaders().set("Location", "/v2/" + m.group(1) + "/blobs/" + mount);
        exchange.getResponseHeaders().set("Docker-Content-Digest", mount);
        send(exchange, 201, null, new byte[0], method);
      } else {
        String id = UUID.randomUUID().toString();
        uploads.put(id, new ByteArrayOutputStream());
        exchange.getResponseHeaders().set("Location", "/v2/" + m.group(1) + "/blobs/uploads/" + id);
        exchange.getResponseHeaders().set("Range", "0-0");
        exchange.getResponseHeaders().set("Docker-Upload-UUID", id);
        send(exchange, 202, null, new byte[0], method);
      }
    } else if ((m = UPLOAD.matcher(path)).matches() && uploads.containsKey(m.group(2))) {
      ByteArrayOutputStream upload = uploads.get(m.group(2));
      upload.write(body);
      String digest = parameter(query, "digest");
      if (method.equals("PUT") && digest != null) {
        blobs.put(digest, upload.toByteArray());
        uploads.remove(m.group(2));
        exchange.getResponseHeaders().set("Location", "/v2/" + m.group(1) + "/blobs/" + digest);
        exchange.getResponseHeaders().set("Docker-Content-Digest", digest);
        send(exchange, 201, null, new byte[0], method);
      } else {
        exchange.getResponseHeaders().set("Location", path);
        exchange.getResponseHeaders().set("Range", "0-" + Math.max(0, upload.size() - 1));
        send(exchange, 202, null, new byte[0], method);
      }
    } else if ((m = BLOB.matcher(path)).matches() && blobs.containsKey(m.group(2))) {
      exchange.getResponseHeaders().set("Docker-Content-Digest", m.group(2));
      send(exchange, 200, "application/octet-stream", blobs.get(m.group(2)), method);
    } else if ((m = MANIFEST.matcher(path)).matches() && method.equals("PUT")) {
      String type = exchange.getRequestHeaders().getFirst("Content-Type");
      Manifest manifest = new Manifest(body, type, "sha256:" + sha256(body));
      manifests.put(m.group(1) + ":" + m.group(2), manifest);
      manifests.put(m.group(1) + ":" + manifest.digest(), manifest);
      exchange.getResponseHeaders().set("Location", "/v2/" + m.group(1) + "/manifests/" + manifest.digest());
      exchange.getResponseHeaders().set("Docker-Content-Digest", manifest.digest());
      send(exchange, 201, null, new byte[0], method);
    } else if (m.matches() && manifests.containsKey(m.group(1) + ":" + m.group(2))) {
      // (m is still the manifest pattern's matcher: the branch above always makes it.)
      Manifest manifest = manifests.get(m.group(1) + ":" + m.group(2));
      exchange.getResponseHeaders().set("Docker-Content-Digest", manifest.digest());
      send(exchange, 200, manifest.mediaType(), manifest.bytes(), method);
    } else {
      byte[] error = "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"not here\"}]}".getBytes(StandardCharsets.UTF_8);
      send(exchange, 404, "application/json", error, method);
    }
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body, String method)
      throws IOException {
    if (type != null) {
      exchange.getResponseHeaders().set("Content-Type", type);
    }
    boolean head = method.equals("HEAD");
    if (head) {
      exchange.getResponseHeaders().set("Content-Length", Long.toString(body.length));
    }
    exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static String parameter(String query, String name) {
    for (String pair : query.split("&")) {
      if (pair.startsWith(name + "=")) {
        return java.net.URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private static byte[] readBody(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
