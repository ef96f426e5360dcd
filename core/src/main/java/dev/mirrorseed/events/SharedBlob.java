package dev.mirrorseed.events;

import dev.mirrorseed.oci.Digest;

/**
 * A blob of a requested image that an image published before it in the run has too, the target
 * repository of the first such image, and where that image's request is ({@code holderRequest}; null
 * from producers that predate it): a worker elsewhere may be sending the blob there right now, it can be
 * mounted from there once it has landed, and once the worker group has committed that request, its push
 * is over, whether the blob landed or not.
 */
public record SharedBlob(Digest digest, String repository, RequestOffset holderRequest) {
  /** A shared blob whose holder's request is not known. */
  public SharedBlob(Digest digest, String repository) {
    this(digest, repository, null);
  }
}
