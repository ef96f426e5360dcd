package dev.mirrorseed.registry;

/**
 * The transport stack of one registry: TLS and proxy at the bottom (beside sendfile uploads for a
 * plain-HTTP registry reached directly), redirects, authentication on top.
 */
final class Transports {
  private Transports() {}

  static Transport forRegistry(RegistryEndpoint endpoint, RegistryAccess access) {
    Transport http = new HttpClientTransport(endpoint, access.tls(), access.proxy());
    if (endpoint.plainHttp() && access.proxy().forUri(endpoint.baseUri()).isEmpty()) {
      http = new SendfileTransport(endpoint, http);
    }
    return new AuthTransport(endpoint, access.credentials(), new Redirects(http));
  }
}
