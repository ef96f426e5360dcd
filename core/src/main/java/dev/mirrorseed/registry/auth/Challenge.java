package dev.mirrorseed.registry.auth;

import java.util.Map;
import java.util.Optional;

/**
 * One authentication challenge of a {@code WWW-Authenticate} header: {@code Bearer
 * realm="https://auth.example/token",service="registry",scope="repository:a/b:pull"}.
 *
 * @param scheme lower case ({@code basic}, {@code bearer}, ...), since schemes are case-insensitive
 * @param params parameter names in lower case, values unquoted and unescaped
 */
public record Challenge(String scheme, Map<String, String> params) {
  public Challenge {
    params = Map.copyOf(params);
  }

  /** A parameter's value, when the challenge has it and it is not blank. */
  public Optional<String> param(String name) {
    return Optional.ofNullable(params.get(name)).filter(value -> !value.isBlank());
  }

  public boolean is(String name) {
    return scheme.equalsIgnoreCase(name);
  }
}
