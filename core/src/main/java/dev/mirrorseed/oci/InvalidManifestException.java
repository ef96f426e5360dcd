package dev.mirrorseed.oci;

/** A manifest or index that cannot be mirrored as it is; the message says what is wrong with it. */
public class InvalidManifestException extends RuntimeException {
  public InvalidManifestException(String message) {
    super(message);
  }
}
