package dev.mirrorseed.registry.proxy;

import java.util.Map;

/**
 * Which registry requests go through which proxy, as curl, skopeo and containerd read the
 * environment: {@code HTTPS_PROXY}, {@code HTTP_PROXY}, {@code NO_PROXY} and their lowercase forms,
 * proxy credentials in the URL ({@code http://user:pass@proxy:3128}).
 */
public final class ProxyRoutes {
  private ProxyRoutes() {}

  /** No proxy for anything. */
  public static ProxyRoutes direct() {
    return new ProxyRoutes();
  }

  /** The routes the given environment (normally {@code System.getenv()}) describes. */
  public static ProxyRoutes fromEnvironment(Map<String, String> environment) {
    return direct(); // routes from the environment: being built (#4)
  }
}
