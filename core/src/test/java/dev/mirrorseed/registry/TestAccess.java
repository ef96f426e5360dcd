package dev.mirrorseed.registry;

/** {@link RegistryAccess#defaults()} with another upload chunk size. */
final class TestAccess {
  private TestAccess() {}

  static RegistryAccess chunked(long chunkBytes) {
    RegistryAccess defaults = RegistryAccess.defaults();
    return new RegistryAccess(
        defaults.insecureHttp(), defaults.tls(), defaults.credentials(), defaults.proxy(), chunkBytes);
  }
}
