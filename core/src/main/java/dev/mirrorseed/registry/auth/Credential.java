package dev.mirrorseed.registry.auth;

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

  @Override
  public String toString() {
    return "Credential[username=" + username + ", password=***]";
  }
}
