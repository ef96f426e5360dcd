package dev.mirrorseed.registry.proxy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The hosts that bypass the proxy, read from {@code NO_PROXY} as Go's net/http reads it (skopeo and
 * containerd are Go, and users expect the same value to mean the same thing): a comma list of
 * {@code *} (everything), CIDR blocks, IP addresses, and domains, each optionally with {@code :port}.
 * {@code example.com} matches it and its subdomains; {@code .example.com} and {@code *.example.com}
 * only subdomains. Loopback ({@code localhost}, 127.0.0.0/8, ::1) is never proxied, listed or not.
 */
final class NoProxy {
  private record Rule(String domain, boolean matchesItself, InetAddress ip, int prefixBits, String port) {
    boolean matches(String host, Optional<InetAddress> hostIp, String hostPort) {
      if (port != null && !port.equals(hostPort)) {
        return false;
      }
      if (ip != null) {
        return hostIp.isPresent() && IpLiteral.inNetwork(hostIp.get(), ip, prefixBits);
      }
      return host.endsWith(domain) || matchesItself && host.equals(domain.substring(1));
    }
  }

  private final String value;
  private final boolean everything;
  private final List<Rule> rules;

  private NoProxy(String value, boolean everything, List<Rule> rules) {
    this.value = value;
    this.everything = everything;
    this.rules = rules;
  }

  static NoProxy parse(String value) {
    List<Rule> rules = new ArrayList<>();
    String list = value == null ? "" : value;
    for (String raw : list.split(",")) {
      String entry = raw.strip().toLowerCase(Locale.ROOT);
      if (entry.equals("*")) {
        return new NoProxy(list, true, List.of());
      }
      if (!entry.isEmpty()) {
        rule(entry).ifPresent(rules::add);
      }
    }
    return new NoProxy(list, false, List.copyOf(rules));
  }

  /** Whether {@code host} (as in a URL: IPv6 in brackets) on {@code port} goes direct. */
  boolean bypasses(String host, int port) {
    String name = host.toLowerCase(Locale.ROOT);
    Optional<InetAddress> ip = IpLiteral.parse(name);
    if (name.equals("localhost") || ip.map(InetAddress::isLoopbackAddress).orElse(false)) {
      return true;
    }
    if (everything) {
      return true;
    }
    String portText = Integer.toString(port);
    String bareName = ip.isPresent() ? "" : name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    return rules.stream().anyMatch(rule -> rule.matches(bareName, ip, portText));
  }

  @Override
  public String toString() {
    return value;
  }

  /** One NO_PROXY entry; empty for one Go ignores too (a port without a host). */
  private static Optional<Rule> rule(String entry) {
    int slash = entry.indexOf('/');
    if (slash > 0) {
      Optional<InetAddress> network = IpLiteral.parse(entry.substring(0, slash));
      try {
        int bits = Integer.parseInt(entry.substring(slash + 1));
        if (network.isPresent() && bits >= 0 && bits <= network.get().getAddress().length * 8) {
          return Optional.of(new Rule(null, false, network.get(), bits, null));
        }
      } catch (NumberFormatException notCidr) {
        // Falls through: not a CIDR block, and not a valid host either.
      }
      return Optional.empty();
    }
    String host = entry;
    String port = null;
    int colon = entry.lastIndexOf(':');
    boolean bracketed = entry.startsWith("[");
    if (colon > 0 && (bracketed ? entry.lastIndexOf(']') == colon - 1 : entry.indexOf(':') == colon)) {
      host = entry.substring(0, colon);
      port = entry.substring(colon + 1);
    }
    Optional<InetAddress> ip = IpLiteral.parse(host);
    if (ip.isPresent()) {
      return Optional.of(new Rule(null, false, ip.get(), ip.get().getAddress().length * 8, port));
    }
    if (host.isEmpty() || host.contains(":")) {
      return Optional.empty();
    }
    if (host.startsWith("*.")) {
      host = host.substring(1);
    }
    boolean matchesItself = !host.startsWith(".");
    return Optional.of(new Rule(matchesItself ? "." + host : host, matchesItself, null, 0, port));
  }
}
