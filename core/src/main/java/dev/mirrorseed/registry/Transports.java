package dev.mirrorseed.registry;

/** The transport stack of one registry: TLS and proxy at the bottom, redirects, authentication on top. */
final class Transports {
  private Transports() {}

  static Transport forRegistry(RegistryEndpoint endpoint, RegistryAccess access) {
    Transport http = new HttpClientTransport(endpoint, access.tls(), access.proxy());
    return new AuthTransport(endpoint, access.credentials(), new Redirects(http));
  }
}
