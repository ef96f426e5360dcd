package dev.mirrorseed.staging;

/** Content that does not match the digest or size it was stored under; the message names both. */
public class BlobMismatchException extends RuntimeException {
  public BlobMismatchException(String message) {
    super(message);
  }
}
