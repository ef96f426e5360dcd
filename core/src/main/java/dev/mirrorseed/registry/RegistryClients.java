package dev.mirrorseed.registry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link RegistryClient} per registry for a whole process, so every worker thread shares its
 * connections, credentials and tokens.
 */
public final class RegistryClients implements AutoCloseable {
  private final RegistryAccess access;
  private final Map<String, RegistryClient> clients = new ConcurrentHashMap<>();

  public RegistryClients(RegistryAccess access) {
    this.access = access;
  }

  public RegistryClient forRegistry(String hostPort) {
    return clients.computeIfAbsent(
        hostPort, key -> new RegistryClient(RegistryEndpoint.of(key, access), access));
  }

  @Override
  public void close() {
    clients.values().forEach(RegistryClient::close);
    clients.clear();
  }
}
