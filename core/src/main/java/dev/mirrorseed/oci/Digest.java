package dev.mirrorseed.oci;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest as OCI writes it, {@code sha256:<64 hex>}. Only sha256 is accepted: it is what
 * every registry and every bundle we read uses, and refusing the rest keeps a typo from becoming a path.
 */
public record Digest(String hex) {
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
  public static final String ALGORITHM = "sha256";

  public Digest {
    if (hex == null || !SHA256_HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException("not a sha256 hex digest: " + hex);
    }
  }

  /** Parses {@code sha256:<hex>}; anything else is an {@link IllegalArgumentException} naming the text. */
  @JsonCreator
  public static Digest parse(String text) {
    if (text == null || !text.startsWith(ALGORITHM + ":")) {
      throw new IllegalArgumentException("not a sha256 digest: " + text);
    }
    return new Digest(text.substring(ALGORITHM.length() + 1));
  }

  public static Digest of(byte[] content) {
    return fromHash(newHasher().digest(content));
  }

  public static Digest fromHash(byte[] sha256) {
    return new Digest(HexFormat.of().formatHex(sha256));
  }

  public static MessageDigest newHasher() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  @JsonValue
  @Override
  public String toString() {
    return ALGORITHM + ":" + hex;
  }
}
