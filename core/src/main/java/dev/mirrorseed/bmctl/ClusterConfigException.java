package dev.mirrorseed.bmctl;

/**
 * A bmctl cluster config that cannot be used; the message names the file, the line or key, and the
 * fix. It is bad input, so it is an {@link IllegalArgumentException}.
 */
public class ClusterConfigException extends IllegalArgumentException {
  public ClusterConfigException(String message) {
    super(message);
  }

  public ClusterConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
