package dev.mirrorseed.push;

/**
 * A push that failed for good, with how many tries its registry calls took: the result event reports
 * both. The cause is what went wrong; its message is the one line a person reads.
 */
public final class PushFailure extends RuntimeException {
  private final int attempts;

  public PushFailure(RuntimeException cause, int attempts) {
    super(cause.getMessage(), cause);
    this.attempts = attempts;
  }

  public int attempts() {
    return attempts;
  }

  /** What went wrong, unwrapped. */
  public RuntimeException failure() {
    return (RuntimeException) getCause();
  }
}
