package dev.mirrorseed.resilience;

import dev.mirrorseed.registry.ExchangePolicy;
import dev.mirrorseed.registry.RegistryException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.net.http.HttpRequest;
import java.util.function.Supplier;

/**
 * The exchange policy of one registry's client: every request passes the circuit breaker (refused at
 * once while the registry is down, its outcome judged) and the request limit; one that may be sent
 * again as it is, is retried on its own, counted for the work it belongs to; a failed blob body ends
 * its upload try, to start over. Requests outside any counted work (a probe) are made once.
 */
final class RegistryExchanges implements ExchangePolicy {
  private final CircuitBreaker breaker;
  private final RateLimits limits;

  RegistryExchanges(CircuitBreaker breaker, RateLimits limits) {
    this.breaker = breaker;
    this.limits = limits;
  }

  @Override
  public <T> T exchange(HttpRequest request, boolean resendable, Supplier<T> send) {
    Supplier<T> once = CircuitBreaker.decorateSupplier(breaker, () -> {
      limits.awaitRequestTurn();
      return send.get();
    });
    RegistryRetry.Attempts work = RegistryRetry.Attempts.current();
    if (work == null) {
      return once.get();
    }
    if (resendable) {
      return work.retryExchange(once);
    }
    try {
      return once.get();
    } catch (RegistryException e) {
      if (RegistryRetry.isRetriable(e)) {
        throw new BrokenUpload(e);
      }
      throw e;
    }
  }

  @Override
  public void awaitUploadBytes(long bytes) {
    limits.awaitUploadBytes(bytes);
  }
}
