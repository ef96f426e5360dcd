package dev.mirrorseed.registry;

/**
 * What it took to get one blob into a repository: mounted from another repository of the same
 * registry (no bytes sent), or uploaded.
 *
 * @param mounted the registry linked the blob from another repository ({@code 201} to a mount request)
 * @param bytesSent blob body bytes this transfer sent; 0 for a mount
 */
public record BlobTransfer(boolean mounted, long bytesSent) {
  static BlobTransfer mountedFromElsewhere() {
    return new BlobTransfer(true, 0);
  }

  static BlobTransfer uploaded(long bytesSent) {
    return new BlobTransfer(false, bytesSent);
  }
}
