package dev.mirrorseed.registry;

import dev.mirrorseed.registry.auth.CredentialSource;
import dev.mirrorseed.registry.proxy.ProxyRoutes;
import dev.mirrorseed.registry.tls.TlsTrust;

/**
 * How this process reaches registries, besides their address: the TLS certificates it trusts, the
 * credentials it presents, the proxy it goes through, how it cuts uploads. Each process builds it from
 * its own flags and environment, never from a Kafka message, so no secret travels with the work.
 *
 * @param insecureHttp plain HTTP to a registry that is not on loopback (loopback always may)
 * @param tls which certificates are trusted and which client certificate is shown
 * @param credentials who we are to each registry
 * @param proxy which requests go through which proxy ({@code HTTPS_PROXY}, {@code NO_PROXY}, ...)
 * @param chunkBytes 0 to send each blob in one request; else PATCH chunks of at most this many bytes
 */
public record RegistryAccess(
    boolean insecureHttp, TlsTrust tls, CredentialSource credentials, ProxyRoutes proxy, long chunkBytes) {
  public RegistryAccess {
    if (chunkBytes < 0) {
      throw new IllegalArgumentException("chunk size must not be negative, got " + chunkBytes);
    }
  }

  /** Anonymous, system trust store, no proxy, whole-blob uploads: what tests on loopback need. */
  public static RegistryAccess defaults() {
    return new RegistryAccess(false, TlsTrust.system(), CredentialSource.anonymous(), ProxyRoutes.direct(), 0);
  }
}
