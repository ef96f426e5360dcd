package dev.mirrorseed.events;

import java.time.Instant;
import java.util.List;

/**
 * Asks a worker to push one image. {@code staging} is the OCI image layout directory holding its blobs
 * ({@code blobs/sha256/<hex>}), a path every worker can read. {@code sharedBlobs} names, for the image's
 * blobs that an image published before it has too, where that one puts them: so workers of different
 * processes can send a shared layer once (empty from producers that predate it).
 */
public record PushRequest(
    String runId, Instant at, ImageSpec image, String staging, Writer writer, List<SharedBlob> sharedBlobs)
    implements MirrorEvent {

  public PushRequest {
    sharedBlobs = sharedBlobs == null ? List.of() : List.copyOf(sharedBlobs);
  }

  /** A request that names no shared blobs. */
  public PushRequest(String runId, Instant at, ImageSpec image, String staging, Writer writer) {
    this(runId, at, image, staging, writer, List.of());
  }
}
