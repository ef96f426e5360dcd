package dev.mirrorseed.registry;

import dev.mirrorseed.oci.Descriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongConsumer;

/**
 * Sends a blob into an upload session as {@code PATCH} chunks, then commits it with a bodiless
 * {@code PUT ?digest=}: for registries behind proxies that cap request bodies. Each chunk streams from
 * the file ({@link FileRegion}), so memory stays flat whatever the blob's size.
 */
final class ChunkedUpload {
  private final RegistryClient client;
  private final long chunkBytes;

  ChunkedUpload(RegistryClient client, long chunkBytes) {
    this.client = client;
    this.chunkBytes = chunkBytes;
  }

  void send(UploadSession session, Descriptor blob, Path file, LongConsumer sent) {
    // The registry's minimum wins over ours: a smaller chunk would be refused (OCI distribution spec).
    long chunk = Math.max(chunkBytes, session.minChunkBytes());
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      UploadSession at = session;
      for (long start = 0; start < blob.size(); start += chunk) {
        at = patch(at, channel, start, Math.min(chunk, blob.size() - start), sent);
      }
      HttpRequest commit = client.request(at.commit(blob.digest()))
          .timeout(RegistryClient.EXCHANGE_TIMEOUT)
          .PUT(BodyPublishers.noBody())
          .build();
      // Not resent as it is: if the first one landed and its answer was lost, the session is gone.
      client.sendOnce(commit, 201);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read blob file " + file + ": " + e.getMessage(), e);
    }
  }

  private UploadSession patch(UploadSession at, FileChannel channel, long start, long length, LongConsumer sent) {
    long end = start + length - 1;
    HttpRequest patch = client.request(at.location())
        .timeout(BlobUpload.timeoutFor(length))
        .header("Content-Type", "application/octet-stream")
        .header("Content-Range", start + "-" + end)
        .method("PATCH", new CountingBodyPublisher(FileRegion.publisher(channel, start, length), sent))
        .build();
    HttpResponse<byte[]> response = client.sendOnce(patch, 202);
    checkRange(patch, response, end);
    return at.next(client.endpoint(), response);
  }

  /**
   * The registry says in {@code Range: 0-N} how much it holds; less than was sent means something on
   * the way cut the chunk, and committing would only fail later with a vaguer error.
   */
  private void checkRange(HttpRequest patch, HttpResponse<?> response, long end) {
    String range = response.headers().firstValue("Range").orElse(null);
    if (range == null) {
      return;
    }
    long held;
    try {
      held = Long.parseLong(range.substring(range.lastIndexOf('-') + 1).strip());
    } catch (NumberFormatException e) {
      return;
    }
    if (held != end) {
      throw new RegistryException("registry " + client.endpoint().hostPort() + " holds bytes 0-" + held
          + " after PATCH " + patch.uri().getRawPath() + " sent up to byte " + end
          + ": something on the way cut the chunk; retrying may help, check any proxy in front of the registry",
          response.statusCode(), null, true, null, null);
    }
  }
}
