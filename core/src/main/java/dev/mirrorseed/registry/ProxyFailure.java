package dev.mirrorseed.registry;

import dev.mirrorseed.registry.proxy.ProxyServer;
import java.io.IOException;

/** The proxy, not the registry, failed the exchange: unreachable, refusing the tunnel, or our credentials. */
final class ProxyFailure extends IOException {
  /** What the proxy did. */
  enum Kind { UNREACHABLE, TUNNEL_REFUSED, CREDENTIALS_REFUSED }

  private final transient ProxyServer proxy;
  private final Kind kind;
  private final int status;

  /** @param status the proxy's HTTP status, 0 when it gave none */
  ProxyFailure(ProxyServer proxy, Kind kind, int status, IOException cause) {
    super(kind + " " + proxy.url(), cause);
    this.proxy = proxy;
    this.kind = kind;
    this.status = status;
  }

  ProxyServer proxy() {
    return proxy;
  }

  Kind kind() {
    return kind;
  }

  int status() {
    return status;
  }
}
