package dev.mirrorseed.resilience;

import dev.mirrorseed.metrics.RegistryMetrics;
import dev.mirrorseed.registry.ExchangePolicy;
import dev.mirrorseed.registry.RegistryClient;
import dev.mirrorseed.registry.RegistryException;
import dev.mirrorseed.registry.RegistryUnreachableException;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.function.Supplier;

/**
 * The resilience of one registry in this process, shared by every thread that talks to it: the retry
 * policy, the circuit breaker ({@link RegistryHealth}) and the request and bandwidth limits, which its
 * {@link RegistryClient} applies to every exchange ({@link #exchanges()}), and the bulkhead bounding
 * concurrent blob uploads ({@link UploadSlots}).
 */
public final class RegistryResilience {
  /** Callers named in retry metrics. */
  public static final String PUSH = "push";
  public static final String VERIFY = "verify";
  public static final String PING = "ping";
  private final RegistryRetry retry;
  private final RegistryHealth health;
  private final RegistryExchanges exchanges;
  private final UploadSlots uploads;
  private final RegistryMetrics metrics;

  private RegistryResilience(String registry, RegistryRetry retry, ResiliencePolicy policy, RegistryMetrics metrics) {
    this.retry = retry;
    this.metrics = metrics;
    this.health = new RegistryHealth(registry, metrics);
    this.exchanges = new RegistryExchanges(health.breaker(),
        new RateLimits(registry, policy.requestsPerSecond(), policy.uploadBytesPerSecond(), metrics));
    this.uploads = new UploadSlots(policy.maxConcurrentUploads(), registry);
    metrics.activeUploads(uploads, UploadSlots::busy);
  }

  public static RegistryResilience of(String registry, ResiliencePolicy policy, RegistryMetrics metrics) {
    return new RegistryResilience(registry, RegistryRetry.of(policy), policy, metrics);
  }

  /** {@code retry}, no limits, default upload concurrency, nothing measured: for a pusher on its own. */
  public static RegistryResilience retryOnly(String registry, RegistryRetry retry) {
    return new RegistryResilience(registry, retry, ResiliencePolicy.defaults(),
        new RegistryMetrics(new CompositeMeterRegistry(), registry));
  }

  /** A new count of retries for one piece of work by {@code caller} ({@link #PUSH}, {@link #VERIFY}, ...). */
  public RegistryRetry.Attempts newAttempts(String caller) {
    return retry.newAttemptCounter(failure -> metrics.retried(caller,
        failure instanceof RegistryException registryError ? registryError.statusCode() : 0));
  }

  /** Runs one try of a blob upload of {@code bytes} when one of the {@link UploadSlots} is free. */
  public <T> T upload(long bytes, Supplier<T> transfer) {
    return uploads.run(false, bytes, transfer);
  }

  /** Runs one try of a blob mount when one of the {@link UploadSlots} is free; mounts go first. */
  public <T> T mount(Supplier<T> transfer) {
    return uploads.run(true, 0, transfer);
  }

  /** What the registry's {@link RegistryClient} does around each exchange: breaker, limits, retries. */
  public ExchangePolicy exchanges() {
    return exchanges;
  }

  public RegistryHealth health() {
    return health;
  }

  public RegistryMetrics metrics() {
    return metrics;
  }

  /**
   * {@code call} with its requests retried; while the registry is down (or when it goes down during
   * the call) waits until it answers and makes the call again, rather than fail.
   */
  public <T> T callWhenAvailable(String caller, RegistryClient client, Supplier<T> call) {
    RegistryRetry.Attempts attempts = newAttempts(caller);
    while (true) {
      health.awaitAvailable(client::ping);
      try {
        return attempts.call(call);
      } catch (RuntimeException e) {
        if (!health.shouldWaitOut(e)) {
          throw e;
        }
        attempts.resumedAfter(e);
      }
    }
  }

  /**
   * The first request of a run, {@code GET /v2/}: retried like any call, except that a registry nobody
   * answers for fails at once, since a wrong address is far likelier then than an outage.
   */
  public void firstContact(RegistryClient client) {
    try {
      client.ping();
    } catch (RegistryUnreachableException wrongAddressMoreLikely) {
      throw wrongAddressMoreLikely;
    } catch (RegistryException e) {
      if (!RegistryRetry.isRetriable(e)) {
        throw e;
      }
      metrics.retried(PING, e.statusCode());
      newAttempts(PING).run(client::ping);
    }
  }
}
