package dev.mirrorseed.registry;

import dev.mirrorseed.registry.tls.RegistryTls;
import java.io.IOException;

/** A TLS handshake or session that failed, with what this client trusted and could show the registry. */
final class TlsFailure extends IOException {
  private final transient RegistryTls tls;

  TlsFailure(RegistryTls tls, IOException cause) {
    super(cause.getMessage(), cause);
    this.tls = tls;
  }

  RegistryTls tls() {
    return tls;
  }
}
