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
  private final Function<String, ExchangePolicy> policies;
  private final Map<String, RegistryClient> clients = new ConcurrentHashMap<>();

  public RegistryClients(RegistryAccess access) {
    this(access, hostPort -> ExchangePolicy.DIRECT);
  }

  /** Each registry's client making its exchanges under {@code policies.apply(hostPort)}. */
  public RegistryClients(RegistryAccess access, Function<String, ExchangePolicy> policies) {
    this.access = access;
    this.policies = policies;
  }

  public RegistryClient forRegistry(String hostPort) {
    return clients.computeIfAbsent(hostPort, key -> new RegistryClient(
        RegistryEndpoint.of(key, access), access, policies.apply(key)));
  }

  @Override
  public void close() {
    clients.values().forEach(RegistryClient::close);
    clients.clear();
  }
}
