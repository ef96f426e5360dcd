package dev.mirrorseed.resilience;

import dev.mirrorseed.metrics.RegistryMetrics;
import dev.mirrorseed.registry.RegistryClient;
import dev.mirrorseed.registry.ExchangePolicy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The resilience of a whole process: one {@link RegistryResilience} per registry, made on first use
 * from one {@link ResiliencePolicy}, shared by every worker thread and the verifier, so limits and the
 * circuit breaker see all the traffic the process sends a registry.
 */
public final class Resilience {
  private final ResiliencePolicy policy;
  private final MeterRegistry meters;
  private final Map<String, RegistryResilience> registries = new ConcurrentHashMap<>();

  public Resilience(ResiliencePolicy policy, MeterRegistry meters) {
    this.policy = policy;
    this.meters = meters;
  }

  /** The default policy, measured nowhere. */
  public static Resilience defaults() {
    return new Resilience(ResiliencePolicy.defaults(), new CompositeMeterRegistry());
  }

  public RegistryResilience forRegistry(String hostPort) {
    return registries.computeIfAbsent(hostPort,
        key -> RegistryResilience.of(key, policy, new RegistryMetrics(meters, key)));
  }

  /** For {@code new RegistryClients(access, resilience::exchanges)}. */
  public ExchangePolicy exchanges(String hostPort) {
    return forRegistry(hostPort).exchanges();
  }

  /** A verifier's read: retried, and waiting out an outage of the registry instead of failing. */
  public <T> T read(RegistryClient registry, Supplier<T> read) {
    return forRegistry(registry.endpoint().hostPort())
        .callWhenAvailable(RegistryResilience.VERIFY, registry, read);
  }
}
