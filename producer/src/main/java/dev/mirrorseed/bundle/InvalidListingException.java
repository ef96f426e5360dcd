package dev.mirrorseed.bundle;

/** An index.json or docker-save manifest.json that cannot be read; the message says what is wrong. */
final class InvalidListingException extends Exception {
  InvalidListingException(String message) {
    super(message);
  }
}
