package dev.mirrorseed.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/**
 * A token a registry's token service issued, and until when it is worth presenting. {@link #toString()}
 * never shows the token itself.
 *
 * @param value the opaque token, sent as {@code Authorization: Bearer <value>}
 * @param fetchedAt when we asked for it: {@code expires_in} counts from about then
 * @param expiresAt when the service said it stops working
 */
public record BearerToken(String value, Instant fetchedAt, Instant expiresAt) {
  /** What the token protocol says to assume when a service does not give {@code expires_in}. */
  public static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);
  /** Renewed this long before it expires at most, so a request never leaves with a token about to die. */
  static final Duration MAX_RENEWAL_MARGIN = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The token of a token service's JSON answer: {@code token}, or OAuth2's {@code access_token}, and
   * {@code expires_in} seconds.
   *
   * @throws IllegalArgumentException when the answer is not JSON or holds no token
   */
  public static BearerToken parse(byte[] json, Instant fetchedAt) {
    JsonNode answer;
    try {
      answer = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("its answer is not JSON");
    }
    String value = answer == null ? "" : answer.path("token").asText("");
    if (value.isEmpty()) {
      value = answer == null ? "" : answer.path("access_token").asText("");
    }
    if (value.isEmpty()) {
      throw new IllegalArgumentException("its answer holds neither 'token' nor 'access_token'");
    }
    long seconds = answer.path("expires_in").asLong(0);
    Duration lifetime = seconds > 0 ? Duration.ofSeconds(seconds) : DEFAULT_LIFETIME;
    return new BearerToken(value, fetchedAt, fetchedAt.plus(lifetime));
  }

  /**
   * True while presenting it is worthwhile: until a quarter of its life, at most {@link
   * #MAX_RENEWAL_MARGIN}, is left, which leaves room for clock skew and for the request in flight.
   */
  public boolean usableAt(Instant now) {
    Duration margin = Duration.between(fetchedAt, expiresAt).dividedBy(4);
    if (margin.compareTo(MAX_RENEWAL_MARGIN) > 0) {
      margin = MAX_RENEWAL_MARGIN;
    }
    return now.isBefore(expiresAt.minus(margin));
  }

  public String authorization() {
    return "Bearer " + value;
  }

  @Override
  public String toString() {
    return "BearerToken[value=***, expiresAt=" + expiresAt + "]";
  }
}
