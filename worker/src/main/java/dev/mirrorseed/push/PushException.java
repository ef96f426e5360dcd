package dev.mirrorseed.push;

/** An image cannot be pushed as it is, whatever the retries; the message says why and what to do. */
public class PushException extends RuntimeException {
  public PushException(String message) {
    super(message);
  }
}
