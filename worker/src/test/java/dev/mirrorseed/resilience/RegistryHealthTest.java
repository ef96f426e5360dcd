package dev.mirrorseed.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirrorseed.metrics.RegistryMetrics;
import dev.mirrorseed.registry.RegistryException;
import dev.mirrorseed.registry.RegistryUnreachableException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The breaker, fed each exchange's outcome: it opens on a run of outages only, refuses exchanges
 * while open, and closes when a waiting caller's probe is answered.
 */
class RegistryHealthTest {
  private static final Duration PROBE_INTERVAL = Duration.ofMillis(200);
  private static final HttpRequest REQUEST = HttpRequest.newBuilder(URI.create("http://r:1/v2/")).build();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final RegistryMetrics metrics = new RegistryMetrics(meters, "r:1");
  private final RegistryHealth health = new RegistryHealth("r:1", metrics, PROBE_INTERVAL);
  private final RegistryExchanges exchanges = new RegistryExchanges(health.breaker(), new RateLimits("r:1", 0, 0, metrics));

  @Test
  void opensAfterARunOfOutagesAndThenRefusesExchanges() {
    for (int i = 0; i < RegistryHealth.OUTAGE_CALLS; i++) {
      assertThat(health.state()).isEqualTo(State.CLOSED);
      fail(new RegistryUnreachableException("connection refused", null));
    }

    assertThat(health.state()).isEqualTo(State.OPEN);
    AtomicInteger sent = new AtomicInteger();
    assertThatThrownBy(() -> exchange(sent::incrementAndGet)).isInstanceOf(CallNotPermittedException.class)
        .satisfies(refused -> assertThat(health.shouldWaitOut(refused)).isTrue());
    assertThat(sent).hasValue(0);
    assertThat(meters.get("mirrorseed.circuit.breaker.opened").counter().count()).isEqualTo(1);
    assertThat(meters.get("mirrorseed.circuit.breaker.state").tag("state", "open").gauge().value()).isEqualTo(1);
  }

  @Test
  void unavailableAnswersAndCutConnectionsCountAsOutagesToo() {
    for (int i = 0; i < RegistryHealth.OUTAGE_CALLS; i++) {
      fail(i % 2 == 0 ? status(503) : new RegistryException("broke off", 0, null, true, null, null));
    }

    assertThat(health.state()).isEqualTo(State.OPEN);
  }

  @Test
  void refusalsAndInternalErrorsOfOneRequestNeverOpenIt() {
    for (int status : List.of(400, 401, 403, 404, 429, 500, 501)) {
      for (int i = 0; i < RegistryHealth.OUTAGE_CALLS; i++) {
        fail(status(status));
      }
    }

    assertThat(health.state()).isEqualTo(State.CLOSED);
    assertThat(health.shouldWaitOut(status(500))).isFalse();
  }

  @Test
  void aFlakyRegistryThatStillAnswersSometimesKeepsItClosed() {
    for (int round = 0; round < 10; round++) {
      for (int i = 0; i < RegistryHealth.OUTAGE_CALLS - 1; i++) {
        fail(status(503));
      }
      exchange(() -> "ok");
    }

    assertThat(health.state()).isEqualTo(State.CLOSED);
    assertThat(health.shouldWaitOut(status(503))).isFalse();
  }

  @Test
  void waitersResumeWhenOneOfThemFindsTheRegistryAnsweringAgain() throws Exception {
    openIt();
    AtomicInteger probes = new AtomicInteger();
    Runnable probe = () -> exchange(() -> {
      if (probes.incrementAndGet() < 3) {
        throw new RegistryUnreachableException("still down", null);
      }
      return "answered";
    });
    List<Thread> waiters = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < 4; i++) {
      Thread waiter = new Thread(() -> health.awaitAvailable(probe));
      waiter.start();
      waiters.add(waiter);
    }
    for (Thread waiter : waiters) {
      waiter.join(10_000);
    }
    double seconds = (System.nanoTime() - started) / 1e9;

    assertThat(waiters).noneMatch(Thread::isAlive);
    assertThat(health.state()).isEqualTo(State.CLOSED);
    // One probe per interval reaches the registry, whichever waiter makes it: two refused, one answered.
    // A waiter that saw the breaker open just before that answer closed it may still send one probe,
    // which the closed breaker lets through: at most one more per other waiter, never a retry storm.
    assertThat(probes.get()).isBetween(3, 3 + waiters.size() - 1);
    assertThat(seconds).isGreaterThanOrEqualTo(3 * PROBE_INTERVAL.toMillis() / 1e3 - 0.05);
    assertThat(meters.get("mirrorseed.registry.probes").tag("outcome", "down").counter().count()).isEqualTo(2);
    assertThat(meters.get("mirrorseed.registry.probes").tag("outcome", "up").counter().count())
        .isEqualTo(probes.get() - 2);
    assertThat(meters.get("mirrorseed.circuit.breaker.opened").counter().count()).isEqualTo(1);
  }

  @Test
  void aCallThatMetTheOutageWaitsItOutOnceTheBreakerIsOpen() {
    RegistryException refused = new RegistryUnreachableException("connection refused", null);
    assertThat(health.shouldWaitOut(refused)).isFalse();

    openIt();

    assertThat(health.shouldWaitOut(refused)).isTrue();
  }

  private void openIt() {
    for (int i = 0; i < RegistryHealth.OUTAGE_CALLS; i++) {
      fail(new RegistryUnreachableException("connection refused", null));
    }
    assertThat(health.state()).isEqualTo(State.OPEN);
  }

  private void fail(RegistryException failure) {
    assertThatThrownBy(() -> exchange(() -> {
      throw failure;
    })).isSameAs(failure);
  }

  /** One exchange outside any counted work: made once, judged by the breaker. */
  private <T> T exchange(Supplier<T> send) {
    return exchanges.exchange(REQUEST, true, send);
  }

  private static RegistryException status(int status) {
    return new RegistryException("answered " + status, status, null, status == 429 || status >= 500, null, null);
  }
}
