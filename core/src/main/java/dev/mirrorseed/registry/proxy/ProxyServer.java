package dev.mirrorseed.registry.proxy;

import java.io.ByteArrayOutputStream;
import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.ProxySelector;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * A forward HTTP proxy as {@code HTTPS_PROXY} or {@code HTTP_PROXY} names it,
 * {@code http://[user:password@]host[:port]}. Its {@link #toString()} and {@link #url()} leave the
 * credentials out, so no error message or log line can show them.
 *
 * @param variable the environment variable it came from, for error messages ({@code HTTPS_PROXY})
 * @param user the Basic user name, or null when the URL has none
 * @param password the Basic password, or null
 */
public record ProxyServer(String host, int port, String user, String password, String variable) {
  // Go's default for an http:// proxy URL without a port; curl's would be 1080.
  private static final int DEFAULT_PORT = 80;

  /**
   * Parses a proxy URL as Go does: a URL without a scheme is {@code http://}.
   *
   * @throws IllegalArgumentException for another scheme or an unreadable URL, without echoing credentials
   */
  static ProxyServer parse(String url, String variable) {
    String text = url.strip();
    int schemeEnd = text.indexOf("://");
    String scheme = schemeEnd < 0 ? "http" : text.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
    String rest = schemeEnd < 0 ? text : text.substring(schemeEnd + 3);
    int pathStart = rest.indexOf('/');
    String authority = pathStart < 0 ? rest : rest.substring(0, pathStart);
    // The last '@' ends the user info: an unescaped '@' in a password is common and Go accepts it.
    int at = authority.lastIndexOf('@');
    String userInfo = at < 0 ? null : authority.substring(0, at);
    String hostPort = authority.substring(at + 1);
    String shown = scheme + "://" + hostPort;
    if (!scheme.equals("http")) {
      throw new IllegalArgumentException(variable + " " + shown + " is not supported: mirrorseed reaches"
          + " registries through http:// proxies only (HTTP CONNECT); give the proxy's http:// address");
    }
    String host = hostPort;
    int port = DEFAULT_PORT;
    int colon = hostPort.lastIndexOf(':');
    if (colon > hostPort.lastIndexOf(']')) {
      host = hostPort.substring(0, colon);
      try {
        port = Integer.parseInt(hostPort.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
    }
    if (host.isEmpty() || port < 1 || port > 65535 || host.contains("[") != host.contains("]")) {
      throw new IllegalArgumentException(variable + " " + shown + " is not a proxy address: use"
          + " http://[user:password@]host:port");
    }
    String user = null;
    String password = null;
    if (userInfo != null) {
      int split = userInfo.indexOf(':');
      user = percentDecoded(split < 0 ? userInfo : userInfo.substring(0, split));
      password = split < 0 ? "" : percentDecoded(userInfo.substring(split + 1));
    }
    return new ProxyServer(host, port, user, password, variable);
  }

  /** {@code http://host:port}, never with the credentials. */
  public String url() {
    return "http://" + host + ":" + port;
  }

  public boolean hasCredentials() {
    return user != null;
  }

  /** Sends every request of a client to this proxy; the address is resolved when connecting. */
  public ProxySelector selector() {
    return ProxySelector.of(InetSocketAddress.createUnresolved(bareHost(), port));
  }

  /**
   * Answers this proxy's {@code 407} challenges with its credentials, and nothing else: it returns
   * null to every registry ({@code 401}) challenge, so the JDK hands those back to our own
   * authentication code instead of answering them, and to any other proxy.
   */
  public Optional<Authenticator> authenticator() {
    if (!hasCredentials()) {
      return Optional.empty();
    }
    return Optional.of(new Authenticator() {
      @Override
      protected PasswordAuthentication getPasswordAuthentication() {
        boolean ours = getRequestorType() == RequestorType.PROXY && getRequestingPort() == port
            && bareHost().equalsIgnoreCase(getRequestingHost());
        return ours ? new PasswordAuthentication(user, password.toCharArray()) : null;
      }
    });
  }

  /** The host without the brackets of an IPv6 literal, as sockets and the JDK's authenticator see it. */
  private String bareHost() {
    return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
  }

  @Override
  public String toString() {
    return url() + (hasCredentials() ? " (with credentials)" : "") + " from " + variable;
  }

  /** %XX escapes as in a URL's user info; a '+' stays a '+' (URLDecoder would make it a space). */
  private static String percentDecoded(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < text.length(); ) {
      if (text.charAt(i) == '%' && i + 2 < text.length() && isHex(text.charAt(i + 1)) && isHex(text.charAt(i + 2))) {
        bytes.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
        i += 3;
      } else {
        int codePoint = text.codePointAt(i);
        bytes.writeBytes(Character.toString(codePoint).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(codePoint);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static boolean isHex(char c) {
    return Character.digit(c, 16) >= 0;
  }
}
