package dev.mirrorseed.registry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One {@link RegistryClient} per registry for a whole process, so every worker thread shares its
 * connections, credentials and tokens.
 */
public final class RegistryClients implements AutoCloseable {
  private final RegistryAccess access;
  private final Function<String, RegistryPacer> pacers;
  private final Map<String, RegistryClient> clients = new ConcurrentHashMap<>();

  public RegistryClients(RegistryAccess access) {
    this(access, hostPort -> RegistryPacer.UNPACED);
  }

  /** Each registry's client paced by {@code pacers.apply(hostPort)}: its request and bandwidth limits. */
  public RegistryClients(RegistryAccess access, Function<String, RegistryPacer> pacers) {
    this.access = access;
    this.pacers = pacers;
  }

  public RegistryClient forRegistry(String hostPort) {
    return clients.computeIfAbsent(hostPort, key -> new RegistryClient(
        RegistryEndpoint.of(key, access.insecureHttp()), access, pacers.apply(key)));
  }

  @Override
  public void close() {
    clients.values().forEach(RegistryClient::close);
    clients.clear();
  }
}
