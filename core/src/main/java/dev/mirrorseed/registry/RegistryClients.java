package dev.mirrorseed.registry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link RegistryClient} per registry for a whole process, so every worker thread shares its
 * connections. {@code insecureHttp} allows plain HTTP to registries that are not on loopback.
 */
public final class RegistryClients implements AutoCloseable {
  private final boolean insecureHttp;
  private final Map<String, RegistryClient> clients = new ConcurrentHashMap<>();

  public RegistryClients(boolean insecureHttp) {
    this.insecureHttp = insecureHttp;
  }

  public RegistryClient forRegistry(String hostPort) {
    return clients.computeIfAbsent(
        hostPort, key -> new RegistryClient(RegistryEndpoint.of(key, insecureHttp)));
  }

  @Override
  public void close() {
    clients.values().forEach(RegistryClient::close);
    clients.clear();
  }
}
