package dev.mirrorseed.registry.proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IP address written as text, parsed without ever asking DNS: NO_PROXY is matched against the
 * host as written, as Go does, so routing never depends on what a resolver says at the moment.
 */
final class IpLiteral {
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]+");

  private IpLiteral() {}

  /** The address {@code text} spells (IPv6 with or without brackets); empty for a host name. */
  static Optional<InetAddress> parse(String text) {
    String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    var ipv4 = IPV4.matcher(bare);
    try {
      if (ipv4.matches()) {
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
          int part = Integer.parseInt(ipv4.group(i + 1));
          if (part > 255) {
            return Optional.empty();
          }
          bytes[i] = (byte) part;
        }
        return Optional.of(InetAddress.getByAddress(bytes));
      }
      if (bare.contains(":") && IPV6.matcher(bare).matches()) {
        // Brackets make the JDK treat it as an IPv6 literal and fail instead of falling back to DNS.
        return Optional.of(InetAddress.getByName("[" + bare + "]"));
      }
    } catch (UnknownHostException notAnAddress) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** Whether {@code address} lies in {@code network}/{@code prefixBits}. */
  static boolean inNetwork(InetAddress address, InetAddress network, int prefixBits) {
    byte[] a = address.getAddress();
    byte[] n = network.getAddress();
    if (a.length != n.length) {
      return false;
    }
    for (int bit = 0; bit < prefixBits; bit++) {
      int mask = 0x80 >>> (bit % 8);
      if ((a[bit / 8] & mask) != (n[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }
}
