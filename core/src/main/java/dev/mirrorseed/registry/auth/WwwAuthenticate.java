package dev.mirrorseed.registry.auth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads {@code WWW-Authenticate} headers as RFC 7235 writes them: several challenges per header and
 * several headers, parameters as tokens or quoted strings with backslash escapes, commas inside quotes
 * (distribution's {@code scope="repository:a:pull,push"}). What it cannot read it skips rather than
 * fails on: a 401 is explained to the user either way.
 */
public final class WwwAuthenticate {
  private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

  private final String text;
  private int at;

  private WwwAuthenticate(String text) {
    this.text = text;
  }

  /** Every challenge in {@code headerValues}, in the order the registry gave them. */
  public static List<Challenge> parse(List<String> headerValues) {
    List<Challenge> challenges = new ArrayList<>();
    for (String value : headerValues) {
      new WwwAuthenticate(value).readInto(challenges);
    }
    return challenges;
  }

  private void readInto(List<Challenge> challenges) {
    while (true) {
      skip(" \t,");
      if (at >= text.length()) {
        return;
      }
      String scheme = token();
      if (scheme.isEmpty()) {
        at++; // not a token character: skip it and look for the next challenge
        continue;
      }
      challenges.add(new Challenge(scheme.toLowerCase(Locale.ROOT), params()));
    }
  }

  /** {@code name=value} pairs up to the next challenge, which starts with a token not followed by '='. */
  private Map<String, String> params() {
    Map<String, String> params = new LinkedHashMap<>();
    while (true) {
      int start = at;
      skip(" \t,");
      String name = token();
      skip(" \t");
      if (name.isEmpty() || at >= text.length() || text.charAt(at) != '=') {
        at = start;
        return params;
      }
      at++;
      skip(" \t");
      String value = at < text.length() && text.charAt(at) == '"' ? quoted() : token();
      params.putIfAbsent(name.toLowerCase(Locale.ROOT), value);
    }
  }

  private String token() {
    int start = at;
    while (at < text.length() && isTokenChar(text.charAt(at))) {
      at++;
    }
    return text.substring(start, at);
  }

  private String quoted() {
    StringBuilder value = new StringBuilder();
    at++; // opening quote
    while (at < text.length()) {
      char c = text.charAt(at++);
      if (c == '"') {
        break;
      }
      if (c == '\\' && at < text.length()) {
        c = text.charAt(at++);
      }
      value.append(c);
    }
    return value.toString();
  }

  private void skip(String characters) {
    while (at < text.length() && characters.indexOf(text.charAt(at)) >= 0) {
      at++;
    }
  }

  // RFC 7230 tchar, plus '/' and ':' so that unquoted realm URLs some servers send survive.
  private static boolean isTokenChar(char c) {
    return c < 128 && (Character.isLetterOrDigit(c) || TOKEN_SYMBOLS.indexOf(c) >= 0 || c == '/' || c == ':');
  }
}
