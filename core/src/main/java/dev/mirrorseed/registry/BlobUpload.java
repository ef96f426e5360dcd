package dev.mirrorseed.registry;

import dev.mirrorseed.oci.Descriptor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One blob upload session: {@code POST .../blobs/uploads/} opens it, a single {@code PUT} to the
 * returned {@code Location} with {@code ?digest=} sends the bytes and commits. Small blobs go from
 * memory; larger ones stream from the file, so a worker's heap does not grow with layer size.
 */
final class BlobUpload {
  /** At or below this size a blob is read into memory; above it is streamed from its file. */
  static final long IN_MEMORY_MAX_BYTES = 4L * 1024 * 1024;
  /** Slower than this and a PUT counts as hung; its timeout grows with the blob's size. */
  static final long SLOWEST_UPLOAD_BYTES_PER_SECOND = 256L * 1024;

  private final RegistryClient client;

  BlobUpload(RegistryClient client) {
    this.client = client;
  }

  void upload(String repository, Descriptor blob, Path file) {
    long fileBytes = sizeOf(file);
    if (fileBytes != blob.size()) {
      throw new IllegalArgumentException("blob file " + file + " has " + fileBytes + " bytes but its descriptor says "
          + blob.size() + " for " + blob.digest() + ": the bundle is damaged, re-create or re-copy it");
    }
    URI session = open(repository);
    HttpRequest put = client.request(withDigest(session, blob))
        .timeout(RegistryClient.EXCHANGE_TIMEOUT.plusSeconds(blob.size() / SLOWEST_UPLOAD_BYTES_PER_SECOND))
        .header("Content-Type", "application/octet-stream")
        .PUT(new CountingBodyPublisher(body(file, blob.size()), client.uploadCounter()))
        .build();
    client.send(put, 201);
  }

  private URI open(String repository) {
    HttpRequest post = client.request(client.paths().uploads(repository))
        .timeout(RegistryClient.EXCHANGE_TIMEOUT)
        .POST(BodyPublishers.noBody())
        .build();
    HttpResponse<byte[]> response = client.send(post, 202);
    String location = response.headers().firstValue("Location").orElseThrow(() -> new RegistryException(
        "registry " + client.endpoint().hostPort() + " answered POST " + post.uri().getRawPath()
            + " with 202 but no Location header: it does not follow the OCI distribution API",
        202, null, false, null, null));
    // Registries answer with absolute URLs (possibly another host) or paths; resolve both alike.
    return post.uri().resolve(location);
  }

  /** The session URL plus {@code digest=}, after any query the registry put there ({@code _state=...}). */
  private static URI withDigest(URI session, Descriptor blob) {
    String separator = session.getRawQuery() == null ? "?" : "&";
    return URI.create(session + separator + "digest="
        + URLEncoder.encode(blob.digest().toString(), StandardCharsets.UTF_8));
  }

  private static BodyPublisher body(Path file, long size) {
    try {
      return size <= IN_MEMORY_MAX_BYTES
          ? BodyPublishers.ofByteArray(Files.readAllBytes(file))
          : BodyPublishers.ofFile(file);
    } catch (FileNotFoundException e) {
      throw new UncheckedIOException("blob file " + file + " is missing: the staging area lost it", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read blob file " + file + ": " + e.getMessage(), e);
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read blob file " + file + ": " + e, e);
    }
  }
}
