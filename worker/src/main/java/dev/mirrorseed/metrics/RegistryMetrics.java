package dev.mirrorseed.metrics;

import dev.mirrorseed.push.PushOutcome;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * What this process measures about its traffic with one registry, every meter tagged with the
 * registry's {@code host:port}. One place for the meters' names, so dashboards have one list to read:
 * <ul>
 *   <li>{@code mirrorseed_upload_bytes_total}: blob body bytes sent, resends included
 *   <li>{@code mirrorseed_blobs_total{outcome=uploaded|skipped|mounted}}: blobs of pushed images
 *   <li>{@code mirrorseed_image_push_seconds{outcome=pushed|failed}}: time to push one image (histogram)
 *   <li>{@code mirrorseed_registry_retries_total{caller, cause}}: retries, by caller (push, verify, ping)
 *       and cause (the HTTP status, or {@code io} for a failed exchange)
 *   <li>{@code mirrorseed_rate_limit_waits_seconds{limit=requests|bandwidth}}: waits for a rate limit
 *   <li>{@code mirrorseed_circuit_breaker_state{state}}: 1 for the breaker's state, 0 for the others
 *   <li>{@code mirrorseed_circuit_breaker_opened_total}: how often the registry was found down (outages)
 *   <li>{@code mirrorseed_registry_probes_total{outcome=up|down}}: probes while the breaker was open
 *   <li>{@code mirrorseed_uploads_active}: uploads in progress (bounded by the upload bulkhead)
 * </ul>
 */
public final class RegistryMetrics {
  private static final String[] STATES = {"closed", "open", "half_open"};

  private final MeterRegistry meters;
  private final Tags registry;
  private final AtomicBoolean uploadBytesCounted = new AtomicBoolean();

  public RegistryMetrics(MeterRegistry meters, String registry) {
    this.meters = meters;
    this.registry = Tags.of("registry", registry);
  }

  /** Counts what {@code client} says it uploaded; the first client given is the registry's one. */
  public <T> void uploadBytes(T client, ToDoubleFunction<T> bytesUploaded) {
    if (!uploadBytesCounted.compareAndSet(false, true)) {
      return;
    }
    FunctionCounter.builder("mirrorseed.upload.bytes", client, bytesUploaded)
        .baseUnit("bytes").description("Blob body bytes sent, resends included").tags(registry).register(meters);
  }

  public <T> void activeUploads(T bulkhead, ToDoubleFunction<T> active) {
    Gauge.builder("mirrorseed.uploads.active", bulkhead, active)
        .description("Blob uploads in progress").tags(registry).register(meters);
  }

  public void imagePushed(PushOutcome outcome, long nanos) {
    blobs("uploaded").increment(outcome.blobsUploaded());
    blobs("skipped").increment(outcome.blobsSkipped());
    blobs("mounted").increment(outcome.blobsMounted());
    pushTimer("pushed").record(Duration.ofNanos(nanos));
  }

  public void imageFailed(long nanos) {
    pushTimer("failed").record(Duration.ofNanos(nanos));
  }

  /** A call by {@code caller} failed with {@code status} (0: no HTTP answer) and is tried again. */
  public void retried(String caller, int status) {
    Counter.builder("mirrorseed.registry.retries").description("Registry calls tried again")
        .tags(registry).tag("caller", caller).tag("cause", status == 0 ? "io" : Integer.toString(status))
        .register(meters).increment();
  }

  /** {@code limit} (requests or bandwidth) held a caller back for {@code nanos}. */
  public void rateLimited(String limit, long nanos) {
    Timer.builder("mirrorseed.rate.limit.waits").description("Waits for a rate limit")
        .tags(registry).tag("limit", limit).register(meters).record(Duration.ofNanos(nanos));
  }

  public void breakerState(Supplier<CircuitBreaker.State> state) {
    for (String name : STATES) {
      Gauge.builder("mirrorseed.circuit.breaker.state", state, s -> name(s.get()).equals(name) ? 1 : 0)
          .description("1 for the registry circuit breaker's current state").tags(registry).tag("state", name)
          .strongReference(true) // the supplier is a lambda nothing else holds
          .register(meters);
    }
    opened();
  }

  /** Counts outages: a breaker reopening after a failed probe is the same outage. */
  public void breakerTransition(CircuitBreaker.StateTransition transition) {
    if (transition == CircuitBreaker.StateTransition.CLOSED_TO_OPEN) {
      opened().increment();
    }
  }

  public void probed(boolean up) {
    Counter.builder("mirrorseed.registry.probes").description("Probes of a registry found down")
        .tags(registry).tag("outcome", up ? "up" : "down").register(meters).increment();
  }

  private Counter opened() {
    return Counter.builder("mirrorseed.circuit.breaker.opened").description("Times the registry was found down")
        .tags(registry).register(meters);
  }

  private Counter blobs(String outcome) {
    return Counter.builder("mirrorseed.blobs").description("Blobs of pushed images")
        .tags(registry).tag("outcome", outcome).register(meters);
  }

  private Timer pushTimer(String outcome) {
    return Timer.builder("mirrorseed.image.push").description("Time to push one image")
        .publishPercentileHistogram().tags(registry).tag("outcome", outcome).register(meters);
  }

  private static String name(CircuitBreaker.State state) {
    return state.name().toLowerCase(Locale.ROOT);
  }
}
