package dev.mirrorseed.registry;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a registry answers: its {@code host[:port]} as the user typed it, and whether it speaks plain
 * HTTP. Plain HTTP is only chosen on its own for loopback, where nothing crosses the network; anything
 * else needs {@code --insecure-http}, so a typo never sends images or credentials in clear text.
 */
public record RegistryEndpoint(String hostPort, boolean plainHttp) {
  private static final Pattern HOST_PORT =
      Pattern.compile("[A-Za-z0-9.-]+(:[0-9]{1,5})?|\\[[0-9a-fA-F:.]+](:[0-9]{1,5})?");
  private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}");

  public RegistryEndpoint {
    if (hostPort == null || !HOST_PORT.matcher(hostPort).matches()) {
      throw new IllegalArgumentException(
          "registry address must be HOST[:PORT] without scheme or path, got '" + hostPort + "'");
    }
  }

  /** Plain HTTP when the host is loopback (127.x, localhost, ::1) or {@code insecureHttp} is true; else https. */
  public static RegistryEndpoint of(String hostPort, boolean insecureHttp) {
    RegistryEndpoint parsed = new RegistryEndpoint(hostPort, false);
    return new RegistryEndpoint(hostPort, insecureHttp || isLoopback(parsed.host()));
  }

  /**
   * How {@code access} reaches {@code hostPort}: as {@link #of(String, boolean)}, except that a CA or
   * certificate directory asks for https on loopback too (a local registry behind a private CA).
   */
  public static RegistryEndpoint of(String hostPort, RegistryAccess access) {
    return access.tls().namesCertificates() && !access.insecureHttp()
        ? new RegistryEndpoint(hostPort, false)
        : of(hostPort, access.insecureHttp());
  }

  /** The registry's root, e.g. {@code http://127.0.0.1:5000}; API paths are resolved against it. */
  public URI baseUri() {
    return URI.create((plainHttp ? "http" : "https") + "://" + hostPort);
  }

  /** The host without port; an IPv6 literal keeps its brackets. */
  String host() {
    if (hostPort.startsWith("[")) {
      return hostPort.substring(0, hostPort.indexOf(']') + 1);
    }
    int colon = hostPort.indexOf(':');
    return colon < 0 ? hostPort : hostPort.substring(0, colon);
  }

  // By name only: resolving DNS here would make the scheme depend on the resolver of the moment.
  private static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.equals("[::1]") || IPV4_LOOPBACK.matcher(h).matches();
  }
}
