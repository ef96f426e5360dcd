package dev.mirrorseed.events;

import java.util.Objects;

/**
 * One way the registry differs from the bundle, as data a report or an auditor can act on without
 * reading prose. {@code reference} is what was asked of the registry: {@code REPOSITORY:TAG} or
 * {@code REPOSITORY@sha256:...}. {@code expected} and {@code observed} are digests or, for
 * {@link Kind#BLOB_WRONG_SIZE}, sizes in bytes; {@code observed} is null when nothing was there.
 */
public record Mismatch(Kind kind, String reference, String expected, String observed) {

  /** What differs; each names what {@code expected} and {@code observed} hold. */
  public enum Kind {
    /** A tag resolves to another manifest: the bundle's digest vs the digest of the bytes served. */
    TAG_POINTS_ELSEWHERE,
    /** A tag, or an index's child manifest by digest, is not on the registry: the bundle's digest, nothing. */
    MANIFEST_MISSING,
    /** A manifest asked for by digest comes back as other bytes: the digest vs what they hash to. */
    MANIFEST_CONTENT_DIFFERS,
    /**
     * The registry's {@code Docker-Content-Digest} is not what the bytes it served hash to (its storage
     * is corrupt, or something rewrote the manifest): the header's digest vs the bytes' digest.
     */
    HEADER_DIGEST_DISAGREES,
    /** A blob is not in the repository (HEAD or GET answered 404): its digest, nothing. */
    BLOB_MISSING,
    /** HEAD answers another size than the bundle's: sizes in bytes. */
    BLOB_WRONG_SIZE,
    /** The bytes a GET of the blob serves hash to another digest (only a deep check reads them). */
    BLOB_CONTENT_DIFFERS
  }

  public Mismatch {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(reference, "reference");
  }

  /** The mismatch in one line, for a terminal or a report: what was asked, what was expected and seen. */
  public String describe() {
    return switch (kind) {
      case TAG_POINTS_ELSEWHERE -> reference + " resolves to " + observed + ", expected " + expected;
      case MANIFEST_MISSING -> reference + " is not on the registry";
      case MANIFEST_CONTENT_DIFFERS -> reference + " is served as bytes that hash to " + observed;
      case HEADER_DIGEST_DISAGREES -> reference + ": registry says Docker-Content-Digest " + expected
          + " but the bytes it served hash to " + observed;
      case BLOB_MISSING -> "blob " + digestPart() + " is missing from " + repositoryPart();
      case BLOB_WRONG_SIZE -> "blob " + digestPart() + " has size " + observed + " on the registry, " + expected
          + " in the bundle";
      case BLOB_CONTENT_DIFFERS -> "blob " + digestPart() + " in " + repositoryPart()
          + " is served as bytes that hash to " + observed;
    };
  }

  private String repositoryPart() {
    int at = reference.indexOf('@');
    return at < 0 ? reference : reference.substring(0, at);
  }

  private String digestPart() {
    int at = reference.indexOf('@');
    return at < 0 ? expected : reference.substring(at + 1);
  }
}
