// A stand-in registry for scripts/class-data-archive.sh, run as `java scripts/TrainingRegistry.java
// PORT_FILE`: on 127.0.0.1, the part of the distribution API a push and its verification use (blob
// HEAD, uploads with mounts, monolithic or chunked, manifests by tag or digest), kept in memory, so that
// a training push runs its whole pipeline, uploads and checks included, with nothing outside this
// machine touched and no registry installed. It checks no digest and writes nothing to disk: it is not
// a registry. It writes the port it listens on to PORT_FILE once it listens, and serves until killed.
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
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
    Matcher newUpload = UPLOADS.matcher(path);
    Matcher upload = UPLOAD.matcher(path);
    Matcher blob = BLOB.matcher(path);
    Matcher manifest = MANIFEST.matcher(path);
    if (path.equals("/v2/") || path.equals("/v2")) {
      send(exchange, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8), method);
    } else if (newUpload.matches() && method.equals("POST")) {
      startUpload(exchange, newUpload.group(1), parameter(query, "mount"));
    } else if (upload.matches() && uploads.containsKey(upload.group(2))) {
      String digest = method.equals("PUT") ? parameter(query, "digest") : null;
      continueUpload(exchange, upload.group(1), upload.group(2), body, digest);
    } else if (blob.matches() && blobs.containsKey(blob.group(2))) {
      exchange.getResponseHeaders().set("Docker-Content-Digest", blob.group(2));
      send(exchange, 200, "application/octet-stream", blobs.get(blob.group(2)), method);
    } else if (manifest.matches() && method.equals("PUT")) {
      String type = exchange.getRequestHeaders().getFirst("Content-Type");
      Manifest put = new Manifest(body, type, "sha256:" + sha256(body));
      manifests.put(manifest.group(1) + ":" + manifest.group(2), put);
      manifests.put(manifest.group(1) + ":" + put.digest(), put);
      exchange.getResponseHeaders().set("Location", "/v2/" + manifest.group(1) + "/manifests/" + put.digest());
      exchange.getResponseHeaders().set("Docker-Content-Digest", put.digest());
      send(exchange, 201, null, new byte[0], method);
    } else if (manifest.matches() && manifests.containsKey(manifest.group(1) + ":" + manifest.group(2))) {
      Manifest stored = manifests.get(manifest.group(1) + ":" + manifest.group(2));
      exchange.getResponseHeaders().set("Docker-Content-Digest", stored.digest());
      send(exchange, 200, stored.mediaType(), stored.bytes(), method);
    } else {
      byte[] error = "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"not here\"}]}"
          .getBytes(StandardCharsets.UTF_8);
      send(exchange, 404, "application/json", error, method);
    }
  }

  /** POST to uploads: a mount of a blob already here, or a new upload session. */
  private void startUpload(HttpExchange exchange, String repository, String mount) throws IOException {
    if (mount != null && blobs.containsKey(mount)) {
      exchange.getResponseHeaders().set("Location", "/v2/" + repository + "/blobs/" + mount);
      exchange.getResponseHeaders().set("Docker-Content-Digest", mount);
      send(exchange, 201, null, new byte[0], "POST");
      return;
    }
    String id = UUID.randomUUID().toString();
    uploads.put(id, new ByteArrayOutputStream());
    exchange.getResponseHeaders().set("Location", "/v2/" + repository + "/blobs/uploads/" + id);
    exchange.getResponseHeaders().set("Range", "0-0");
    exchange.getResponseHeaders().set("Docker-Upload-UUID", id);
    send(exchange, 202, null, new byte[0], "POST");
  }

  /** PATCH (a chunk) or PUT to an upload session; a PUT with its digest ends it. */
  private void continueUpload(HttpExchange exchange, String repository, String id, byte[] chunk, String digest)
      throws IOException {
    ByteArrayOutputStream upload = uploads.get(id);
    upload.write(chunk);
    if (digest == null) {
      exchange.getResponseHeaders().set("Location", "/v2/" + repository + "/blobs/uploads/" + id);
      exchange.getResponseHeaders().set("Range", "0-" + Math.max(0, upload.size() - 1));
      send(exchange, 202, null, new byte[0], "PATCH");
      return;
    }
    blobs.put(digest, upload.toByteArray());
    uploads.remove(id);
    exchange.getResponseHeaders().set("Location", "/v2/" + repository + "/blobs/" + digest);
    exchange.getResponseHeaders().set("Docker-Content-Digest", digest);
    send(exchange, 201, null, new byte[0], "PUT");
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
        return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
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
