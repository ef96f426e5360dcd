package dev.mirrorseed.bundle;

/**
 * A bundle that cannot be mirrored as it is: unreadable, corrupt, unsafe or incomplete. The message
 * is one line naming the file or entry and what to do about it.
 */
public class BundleException extends RuntimeException {
  public BundleException(String message) {
    super(message);
  }

  public BundleException(String message, Throwable cause) {
    super(message, cause);
  }
}
