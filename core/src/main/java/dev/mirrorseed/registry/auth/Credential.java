package dev.mirrorseed.registry.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A user name and password (or token) for one registry. {@link #toString()} never shows the password,
 * so a credential that ends up in a log line or exception message leaks nothing.
 */
public record Credential(String username, String password) {
  public Credential {
    if (username == null || username.isEmpty() || password == null) {
      throw new IllegalArgumentException("a credential needs a user name and a password");
    }
  }

  /** The {@code Authorization} header value of HTTP Basic: {@code Basic base64(user:password)}. */
  public String basicAuthorization() {
    return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "Credential[username=" + username + ", password=***]";
  }
}
