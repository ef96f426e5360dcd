package dev.mirrorseed.resilience;

import dev.mirrorseed.metrics.RegistryMetrics;
import dev.mirrorseed.registry.RegistryException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a registry is up, as a circuit breaker judges from every request made to it. It opens when
 * the last {@value #OUTAGE_CALLS} requests all failed with I/O errors or 502/503/504 (the registry, or what
 * fronts it, is down); while it is open callers wait in {@link #awaitAvailable} instead of failing
 * images, and every {@link #PROBE_INTERVAL} one of them probes the registry; an answer closes it.
 *
 * <p>Only a run of failures opens it, not a share of them: a flaky registry failing a third of its
 * requests is served by retries, and pausing every worker for it would only slow the run. A 4xx, 500
 * or 501 is the registry refusing or failing one request (a manifest it rejects, say), not being down:
 * it never opens the breaker, so one bad image cannot hold a run up.
 */
public final class RegistryHealth {
  static final int OUTAGE_CALLS = 8;
  static final Duration PROBE_INTERVAL = Duration.ofSeconds(5);
  /** Uploads may rightly take many minutes: slowness alone must never open the breaker. */
  private static final Duration NEVER_SLOW = Duration.ofDays(1);
  private static final Duration WAIT_STEP = Duration.ofMillis(100);
  private static final Logger log = LoggerFactory.getLogger(RegistryHealth.class);

  private final String registry;
  private final Duration probeInterval;
  private final CircuitBreaker breaker;
  private final RegistryMetrics metrics;
  private volatile Throwable lastOutage;

  RegistryHealth(String registry, RegistryMetrics metrics) {
    this(registry, metrics, PROBE_INTERVAL);
  }

  RegistryHealth(String registry, RegistryMetrics metrics, Duration probeInterval) {
    this.registry = registry;
    this.probeInterval = probeInterval;
    this.metrics = metrics;
    this.breaker = CircuitBreaker.of("registry " + registry, CircuitBreakerConfig.custom()
        .slidingWindow(OUTAGE_CALLS, OUTAGE_CALLS, SlidingWindowType.COUNT_BASED)
        .failureRateThreshold(100)
        .recordException(RegistryHealth::isOutage)
        .slowCallDurationThreshold(NEVER_SLOW)
        .waitDurationInOpenState(probeInterval)
        .permittedNumberOfCallsInHalfOpenState(1)
        .build());
    breaker.getEventPublisher()
        .onError(event -> lastOutage = event.getThrowable())
        .onStateTransition(event -> transitioned(event.getStateTransition()));
    metrics.breakerState(breaker::getState);
  }

  /** The failures that say the registry is down, as opposed to refusing or failing one request. */
  static boolean isOutage(Throwable failure) {
    if (!(failure instanceof RegistryException registryError) || !registryError.retriable()) {
      return false;
    }
    int status = registryError.statusCode();
    return status == 0 || status >= 502 && status <= 504;
  }

  /**
   * Returns at once while the registry is up; while the breaker is open, waits until it has answered
   * {@code probe} again: a cheap request such as {@code GET /v2/}, made through the registry's client,
   * hence through the breaker. That refuses it until the probe interval has passed, then lets one
   * waiting thread's probe through, whose answer closes the breaker (or opens it for another interval).
   */
  public void awaitAvailable(Runnable probe) {
    while (breaker.getState() != CircuitBreaker.State.CLOSED) {
      try {
        probe.run();
        metrics.probed(true);
        continue;
      } catch (CallNotPermittedException notYet) {
        // Open, or another thread is probing: wait.
      } catch (RuntimeException e) {
        // An answer that is not an outage (a 500 on /v2/, say) still shows the registry up: closed.
        metrics.probed(!isOutage(e));
      }
      try {
        Thread.sleep(WAIT_STEP.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryException("interrupted while waiting for registry " + registry + " to answer again",
            0, null, false, null, e);
      }
    }
  }

  /**
   * Whether a call that ended with {@code failure} should wait for the registry and be made again
   * rather than fail: the breaker refused it, or it met the outage that has opened the breaker since.
   */
  public boolean shouldWaitOut(Throwable failure) {
    return failure instanceof CallNotPermittedException
        || isOutage(failure) && breaker.getState() != CircuitBreaker.State.CLOSED;
  }

  public CircuitBreaker.State state() {
    return breaker.getState();
  }

  CircuitBreaker breaker() {
    return breaker;
  }

  private void transitioned(CircuitBreaker.StateTransition transition) {
    metrics.breakerTransition(transition);
    if (transition == CircuitBreaker.StateTransition.CLOSED_TO_OPEN) {
      Throwable cause = lastOutage;
      log.warn("registry {} is down ({} requests in a row failed, the last: {}); pushes pause and resume when it"
          + " answers again (probed every {} s)", registry, OUTAGE_CALLS,
          cause == null ? "?" : cause.getMessage(), probeInterval.toSeconds());
    } else if (transition == CircuitBreaker.StateTransition.HALF_OPEN_TO_CLOSED) {
      log.warn("registry {} answers again; pushes resume", registry);
    }
  }
}
