package dev.mirrorseed.work;

import dev.mirrorseed.events.ImageFailed;
import dev.mirrorseed.events.ImagePushed;
import dev.mirrorseed.events.MirrorEvent;
import dev.mirrorseed.events.PushRequest;
import dev.mirrorseed.events.PushResult;
import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.push.ImagePusher;
import dev.mirrorseed.push.PushOutcome;
import dev.mirrorseed.resilience.RegistryRetry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of the worker consumer group: takes push requests one at a time, pushes the image, writes
 * its result and only then commits the request's offset, so a crash repeats a push (harmless: pushes
 * are content-addressed) but never loses one.
 */
public final class PushWorker implements Runnable {
  public static final String GROUP_ID = "mirrorseed-workers";
  private static final Logger log = LoggerFactory.getLogger(PushWorker.class);

  private final KafkaSettings settings;
  private final String workerId;
  private final PusherFactory pushers;
  private final AtomicBoolean running = new AtomicBoolean(true);

  /** Gives the pusher for a target registry; workers keep one client per registry. */
  public interface PusherFactory {
    ImagePusher forRegistry(String registry);
  }

  public PushWorker(KafkaSettings settings, String workerId, PusherFactory pushers) {
    this.settings = settings;
    this.workerId = workerId;
    this.pushers = pushers;
  }

  @Override
  public void run() {
    try (Consumer<String, MirrorEvent> requests =
            new KafkaConsumer<>(settings.consumer(GROUP_ID, workerId));
        Producer<String, MirrorEvent> results = new KafkaProducer<>(settings.producer(workerId))) {
      requests.subscribe(List.of(settings.topics().requests()));
      while (running.get()) {
        for (ConsumerRecord<String, MirrorEvent> record : requests.poll(Duration.ofMillis(500))) {
          if (record.value() instanceof PushRequest request) {
            PushResult result = push(request);
            results.send(new ProducerRecord<>(settings.topics().results(), record.key(), result)).get();
          }
          commit(requests, record);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("worker " + workerId + " could not write a result to Kafka", e);
    }
  }

  /**
   * Commits past a request whose result is written. A rebalance may have moved its partition to another
   * worker meanwhile: then the commit is refused and the new owner pushes the image again, which is
   * harmless (every blob is found in place) and the verifier counts the image once.
   */
  private void commit(Consumer<String, MirrorEvent> requests, ConsumerRecord<String, MirrorEvent> record) {
    try {
      requests.commitSync(Map.of(
          new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1)));
    } catch (RebalanceInProgressException | CommitFailedException e) {
      log.debug("offset {} of {}-{} not committed ({}); it will be pushed again", record.offset(),
          record.topic(), record.partition(), e.getClass().getSimpleName());
    }
  }

  /**
   * Asks the loop to end after the current push and its commit; safe from any thread. No wakeup: an
   * interrupted commit would leave a finished push to be repeated by the next worker.
   */
  public void stop() {
    running.set(false);
  }

  private PushResult push(PushRequest request) {
    long started = System.nanoTime();
    RegistryRetry.Attempts attempts = null;
    try {
      ImagePusher pusher = pushers.forRegistry(request.image().targetRegistry());
      attempts = pusher.newAttempts();
      // Resilience hook (issue #5): waits here while the registry's circuit breaker is open, before the
      // request is pushed, and pushes again what failed because the registry went down instead of
      // reporting it failed. Pausing consumption (pause/resume) belongs around this call.
      PushOutcome outcome = pusher.pushWhenAvailable(request, attempts);
      long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
      log.debug("pushed {} ({} uploaded, {} skipped, {} mounted, {} bytes)", request.image().targetRef(),
          outcome.blobsUploaded(), outcome.blobsSkipped(), outcome.blobsMounted(), outcome.bytesUploaded());
      return new ImagePushed(request.runId(), Instant.now(), request.image(), outcome.pushedDigest(),
          outcome.blobsUploaded(), outcome.blobsSkipped(), outcome.blobsMounted(), outcome.bytesUploaded(),
          outcome.attempts(), millis, workerId);
    } catch (RuntimeException e) {
      long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
      FailureKind kind = FailureKind.of(e);
      log.warn("failed {}: {}", request.image().targetRef(), kind.message());
      return new ImageFailed(request.runId(), Instant.now(), request.image(), kind.code(),
          kind.message(), attempts == null ? 1 : attempts.count(), millis, workerId);
    }
  }
}
