package dev.mirrorseed.registry;

import java.time.Duration;
import java.util.Optional;

/**
 * A registry call that did not do what was asked. The message is one line naming the registry, the
 * request and the fix. {@link #retriable()} says whether the same request may succeed later (I/O
 * errors, 408, 429, 5xx); the client itself never retries, the caller's resilience layer does.
 */
public class RegistryException extends RuntimeException {
  private final int statusCode;
  private final String errorCode;
  private final boolean retriable;
  private final Duration retryAfter;

  /**
   * @param statusCode the HTTP status, 0 when the registry gave no HTTP answer
   * @param errorCode the first OCI error code of the response body (e.g. {@code BLOB_UNKNOWN}), or null
   * @param retryAfter what the registry's {@code Retry-After} header asked for, or null
   */
  public RegistryException(
      String message, int statusCode, String errorCode, boolean retriable, Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.statusCode = statusCode;
    this.errorCode = errorCode;
    this.retriable = retriable;
    this.retryAfter = retryAfter;
  }

  /** The HTTP status; 0 when there was no HTTP answer (connection refused, reset, timeout, TLS failure). */
  public int statusCode() {
    return statusCode;
  }

  /** The OCI error code the registry put first in its error body, e.g. {@code DIGEST_INVALID}. */
  public Optional<String> errorCode() {
    return Optional.ofNullable(errorCode);
  }

  /** True for 401 and 403: these credentials may not do this here (another repository may differ). */
  public boolean accessRefused() {
    return statusCode == 401 || statusCode == 403;
  }

  /** True for I/O errors, 408, 429 and 5xx: the same request may work later. */
  public boolean retriable() {
    return retriable;
  }

  /** How long the registry asked the caller to wait ({@code Retry-After}), when it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
