package dev.mirrorseed.registry;

import dev.mirrorseed.oci.Descriptor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Gets one blob into a repository. {@code POST .../blobs/uploads/} opens a session, or asks to mount the
 * blob from another repository ({@code ?mount=&from=}). Bytes then go in one {@code PUT ?digest=}
 * (small blobs from memory, larger ones streamed from the file, by {@code sendfile} where it can) or, with a chunk size, as
 * {@link ChunkedUpload PATCH chunks}; either way a worker's heap does not grow with layer size.
 */
final class BlobUpload {
  /** At or below this size a blob is read into memory; above it is streamed from its file. */
  static final long IN_MEMORY_MAX_BYTES = 4L * 1024 * 1024;
  /** Slower than this and a request counts as hung; its timeout grows with its body's size. */
  static final long SLOWEST_UPLOAD_BYTES_PER_SECOND = 256L * 1024;

  private final RegistryClient client;
  private final long chunkBytes;

  /** {@code chunkBytes} 0 sends each blob in one request. */
  BlobUpload(RegistryClient client, long chunkBytes) {
    this.client = client;
    this.chunkBytes = chunkBytes;
  }

  BlobTransfer upload(String repository, Descriptor blob, Path file) {
    checkSize(blob, file);
    try {
      return send(open(repository), blob, file);
    } catch (RegistryException e) {
      throw naming(blob, e);
    }
  }

  BlobTransfer mount(String repository, Descriptor blob, String fromRepository, Path file) {
    checkSize(blob, file);
    try {
      HttpRequest post = client.request(client.paths().mount(repository, blob.digest(), fromRepository))
          .timeout(RegistryClient.EXCHANGE_TIMEOUT)
          .POST(BodyPublishers.noBody())
          .build();
      HttpResponse<byte[]> response;
      try {
        response = client.send(post, 201, 202);
      } catch (RegistryException refused) {
        if (!refused.accessRefused()) {
          throw refused;
        }
        // A mount also needs pull rights on the source repository; without them, upload as if there
        // were no source. Missing push rights then fail the upload with their own message.
        return send(open(repository), blob, file);
      }
      if (response.statusCode() == 201) {
        return BlobTransfer.mountedFromElsewhere();
      }
      // 202: no mount (the source lacks the blob, we may not pull from it, or the registry never
      // mounts), but an ordinary session is open: use it rather than leave it to expire.
      return send(UploadSession.opened(client.endpoint(), response), blob, file);
    } catch (RegistryException e) {
      throw naming(blob, e);
    }
  }

  static Duration timeoutFor(long bodyBytes) {
    return RegistryClient.EXCHANGE_TIMEOUT.plusSeconds(bodyBytes / SLOWEST_UPLOAD_BYTES_PER_SECOND);
  }

  private UploadSession open(String repository) {
    HttpRequest post = client.request(client.paths().uploads(repository))
        .timeout(RegistryClient.EXCHANGE_TIMEOUT)
        .POST(BodyPublishers.noBody())
        .build();
    return UploadSession.opened(client.endpoint(), client.send(post, 202));
  }

  private BlobTransfer send(UploadSession session, Descriptor blob, Path file) {
    AtomicLong sent = new AtomicLong();
    LongConsumer counter = bytes -> {
      // Called as the HTTP client takes each buffer, before it has it: waiting here paces the upload
      // without holding more than that buffer.
      client.exchanges().awaitUploadBytes(bytes);
      sent.addAndGet(bytes);
      client.uploadCounter().addAndGet(bytes);
    };
    if (chunkBytes > 0 && blob.size() > 0) {
      new ChunkedUpload(client, chunkBytes).send(session, blob, file, counter);
    } else {
      HttpRequest put = client.request(session.commit(blob.digest()))
          .timeout(timeoutFor(blob.size()))
          .header("Content-Type", "application/octet-stream")
          .PUT(body(file, blob.size(), counter))
          .build();
      client.sendOnce(put, 201);
    }
    return BlobTransfer.uploaded(sent.get());
  }

  /**
   * The failed request's path names the repository but not the blob (the digest is in the query, left
   * out of messages): say which blob. Unreachable registries fail alike for every blob: left as they are.
   */
  private static RegistryException naming(Descriptor blob, RegistryException e) {
    if (e instanceof RegistryUnreachableException) {
      return e;
    }
    return new RegistryException("uploading " + blob.digest() + ": " + e.getMessage(), e.statusCode(),
        e.errorCode().orElse(null), e.retriable(), e.retryAfter().orElse(null), e);
  }

  private static void checkSize(Descriptor blob, Path file) {
    long fileBytes = sizeOf(file);
    if (fileBytes != blob.size()) {
      throw new IllegalArgumentException("blob file " + file + " has " + fileBytes + " bytes but its descriptor says "
          + blob.size() + " for " + blob.digest() + ": the bundle is damaged, re-create or re-copy it");
    }
  }

  private static BodyPublisher body(Path file, long size, LongConsumer counter) {
    try {
      return size <= IN_MEMORY_MAX_BYTES
          ? new BytesBody(Files.readAllBytes(file), counter)
          : new FileBody(file, size, counter);
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
