package dev.mirrorseed.cli;

import dev.mirrorseed.registry.RegistryClients;
import dev.mirrorseed.resilience.Resilience;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.io.InputStream;
import java.io.PrintWriter;

/**
 * How a command reaches registries, built from its flags: one client per registry (TLS, credentials,
 * proxy), all under one set of resilience (retry, circuit breaker, limits), with metrics served when
 * {@code --metrics-port} asks. Every command that talks to a registry opens exactly this.
 */
final class RegistryStack implements AutoCloseable {
  final RegistryClients clients;
  final Resilience resilience;
  private final MetricsEndpoint metrics;

  private RegistryStack(RegistryClients clients, Resilience resilience, MetricsEndpoint metrics) {
    this.clients = clients;
    this.resilience = resilience;
    this.metrics = metrics;
  }

  /** Warnings go to {@code err}; the metrics address, if served, to {@code announce}. */
  static RegistryStack open(RegistryOptions registry, ResilienceOptions resilienceFlags, MetricsOptions metricsFlags,
      PrintWriter err, InputStream stdin, PrintWriter announce) {
    CompositeMeterRegistry meters = new CompositeMeterRegistry();
    Resilience resilience = new Resilience(resilienceFlags.policy(), meters);
    MetricsEndpoint metrics = metricsFlags.open(meters, announce);
    try {
      return new RegistryStack(
          new RegistryClients(registry.access(err, stdin), resilience::exchanges), resilience, metrics);
    } catch (RuntimeException e) {
      metrics.close();
      throw e;
    }
  }

  /** Fails in seconds on a wrong address or credentials, before any long work starts. */
  void firstContact(String registry) {
    resilience.forRegistry(registry).firstContact(clients.forRegistry(registry));
  }

  @Override
  public void close() {
    try {
      clients.close();
    } finally {
      metrics.close();
    }
  }
}
