package dev.mirrorseed.events;

/** Why an image failed, as a closed set a report can count. */
public enum ErrorCode {
  /** The registry could not be reached (connection refused, DNS, timeout). */
  REGISTRY_UNREACHABLE,
  /** The registry refused our credentials or the operation (401, 403). */
  UNAUTHORIZED,
  /** The registry rejected the content (400, 404, digest or manifest errors). */
  REJECTED,
  /** The registry kept failing (5xx, 429) after every retry. */
  REGISTRY_ERROR,
  /** The bundle's content is unusable: a blob missing or corrupt in the staging store. */
  BAD_INPUT,
  /** Anything else; the message says what. */
  INTERNAL
}
