package dev.mirrorseed.registry.proxy;

import java.util.Arrays;
import java.util.Locale;

/**
 * The one JVM-wide switch proxy credentials need. The JDK refuses to send Basic credentials in the
 * {@code CONNECT} that opens an HTTPS tunnel ({@code jdk.http.auth.tunneling.disabledSchemes=Basic} in
 * its net.properties, since 8u111), with an {@link java.net.Authenticator} and with a
 * {@code Proxy-Authorization} header alike: measured against tinyproxy, both get 407 until the
 * property is cleared, and both work after. The JDK reads it once, when the first
 * {@code java.net.http.HttpClient} of the JVM is built, so a process entry point clears it first.
 * What it widens is small: Basic goes only to a proxy the user named with credentials in
 * {@code HTTPS_PROXY}, in the clear as curl and Go send it, and our authenticator answers nothing else.
 */
public final class ProxyTunnelAuth {
  static final String DISABLED_SCHEMES = "jdk.http.auth.tunneling.disabledSchemes";

  private ProxyTunnelAuth() {}

  /** Lets Basic proxy credentials open HTTPS tunnels; call before any HttpClient exists. Keeps a value set with -D. */
  public static void allowBasic() {
    if (System.getProperty(DISABLED_SCHEMES) == null) {
      System.setProperty(DISABLED_SCHEMES, "");
    }
  }

  /** Whether Basic may open tunnels here (an unset property means the JDK's default, which disables it). */
  public static boolean basicAllowed() {
    String value = System.getProperty(DISABLED_SCHEMES);
    return value != null && Arrays.stream(value.split(","))
        .noneMatch(scheme -> scheme.strip().toLowerCase(Locale.ROOT).equals("basic"));
  }
}
