package dev.mirrorseed.work;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.TestKafka;
import dev.mirrorseed.TopicContents;
import dev.mirrorseed.events.EventJson;
import dev.mirrorseed.events.ImagePushed;
import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.events.MirrorEvent;
import dev.mirrorseed.events.PushRequest;
import dev.mirrorseed.events.Topics;
import dev.mirrorseed.events.Writer;
import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.kafka.TopicSetup;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.push.ImagePush;
import dev.mirrorseed.push.PushOutcome;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a worker delivers results on a real Kafka broker: the result and the request's offset commit
 * together or not at all, and a push longer than max.poll.interval.ms does not cost the worker its
 * group membership.
 */
class WorkerDeliveryTest {
  private static final Duration WITHIN = Duration.ofSeconds(60);
  private KafkaSettings settings;
  private final AtomicInteger pushes = new AtomicInteger();

  @BeforeEach
  void topicsOfItsOwn() {
    settings = new KafkaSettings(TestKafka.bootstrapServers(),
        new Topics("delivery" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL)));
    TopicSetup.ensureTopics(settings);
  }

  @Test
  void aWorkerKilledBetweenPushAndCommitLeavesNoCommittedResultAndTheRequestIsPushedAgain() throws Exception {
    publishRequest();
    AtomicReference<Throwable> death = new AtomicReference<>();
    Thread killed = new Thread(new PushWorker(settings, "killed", registry -> countedPush(Duration.ZERO),
        killedBeforeCommit(WorkerClients.of(settings)), PushWorker.HANDOVER_GRACE, PushWorker.PUSHES_AT_ONCE),
        "killed");
    killed.setUncaughtExceptionHandler((thread, e) -> death.set(e));

    killed.start();
    killed.join(WITHIN.toMillis());

    assertThat(death.get()).isInstanceOf(Killed.class);
    assertThat(pushes.get()).isEqualTo(1);
    assertThat(await(() -> pushedBy(TopicContents.uncommitted(settings, settings.topics().results()))))
        .as("the killed worker's result is in the log, in a transaction never committed").containsExactly("killed");
    assertThat(pushedBy(TopicContents.committed(settings, settings.topics().results()))).isEmpty();

    PushWorker successor = new PushWorker(settings, "successor", registry -> countedPush(Duration.ZERO));
    Thread running = new Thread(successor, "successor");
    running.start();
    try {
      // Visible once the broker has aborted the killed worker's transaction (its timeout ran out).
      assertThat(await(() -> pushedBy(TopicContents.committed(settings, settings.topics().results()))))
          .containsExactly("successor");
    } finally {
      successor.stop();
      running.join(WITHIN.toMillis());
    }
    assertThat(pushes.get()).as("pushes").isEqualTo(2);
    assertThat(pushedBy(TopicContents.uncommitted(settings, settings.topics().results())))
        .containsExactlyInAnyOrder("killed", "successor");
  }

  @Test
  void aPushLongerThanMaxPollIntervalIsCommittedOnceAndNeverRedone() throws Exception {
    publishRequest();
    WorkerClients impatient = new WorkerClients() {
      @Override
      public Consumer<String, MirrorEvent> requests(String workerId) {
        Properties config = settings.consumer(settings.topics().workerGroup(), workerId);
        config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 1_000);
        return new KafkaConsumer<>(config);
      }

      @Override
      public Producer<String, MirrorEvent> results(String workerId) {
        return WorkerClients.of(settings).results(workerId);
      }
    };
    PushWorker worker = new PushWorker(settings, "slow", registry -> countedPush(Duration.ofSeconds(4)), impatient,
        PushWorker.HANDOVER_GRACE, PushWorker.PUSHES_AT_ONCE);
    Thread running = new Thread(worker, "slow");
    running.start();
    try {
      assertThat(await(() -> pushedBy(TopicContents.committed(settings, settings.topics().results()))))
          .containsExactly("slow");
      Thread.sleep(2_000);
    } finally {
      worker.stop();
      running.join(WITHIN.toMillis());
    }
    assertThat(pushes.get()).as("pushes: a worker thrown out of its group would have pushed again").isEqualTo(1);
    assertThat(pushedBy(TopicContents.uncommitted(settings, settings.topics().results()))).containsExactly("slow");
  }

  private void publishRequest() throws Exception {
    Descriptor manifest = new Descriptor("application/vnd.oci.image.manifest.v1+json",
        Digest.of("manifest".getBytes(StandardCharsets.UTF_8)), 8);
    ImageSpec image = new ImageSpec("gcr.io/x/app:1", "127.0.0.1:1", "ns/x/app", List.of("1"), manifest,
        List.of(), List.of());
    try (Producer<String, MirrorEvent> producer = new KafkaProducer<>(settings.producer("test"))) {
      producer.send(new ProducerRecord<>(settings.topics().requests(), image.targetKey(),
          new PushRequest("run-1", Instant.now(), image, "/staging", Writer.current()))).get();
    }
  }

  /** A push that does nothing to a registry but take {@code duration} and be counted. */
  private ImagePush countedPush(Duration duration) {
    return request -> {
      pushes.incrementAndGet();
      try {
        Thread.sleep(duration.toMillis());
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return new PushOutcome(request.image().manifest().digest(), 0, 0, 0, 0, 1);
    };
  }

  private static List<String> pushedBy(List<MirrorEvent> results) {
    return results.stream().filter(ImagePushed.class::isInstance)
        .map(event -> ((ImagePushed) event).workerId()).toList();
  }

  private static List<String> await(Supplier<List<String>> nonEmpty) throws InterruptedException {
    long deadline = System.nanoTime() + WITHIN.toNanos();
    List<String> found = nonEmpty.get();
    while (found.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(250);
      found = nonEmpty.get();
    }
    return found;
  }

  /**
   * Real clients, but the process "dies" the moment it would commit: the transaction, result sent and
   * offset added, stays open, and nothing is closed, as after a SIGKILL.
   */
  @SuppressWarnings("unchecked")
  private static WorkerClients killedBeforeCommit(WorkerClients real) {
    return new WorkerClients() {
      @Override
      public Consumer<String, MirrorEvent> requests(String workerId) {
        return real.requests(workerId);
      }

      @Override
      public Producer<String, MirrorEvent> results(String workerId) {
        Producer<String, MirrorEvent> producer = real.results(workerId);
        return (Producer<String, MirrorEvent>) Proxy.newProxyInstance(Producer.class.getClassLoader(),
            new Class<?>[] {Producer.class}, (proxy, method, args) -> {
              switch (method.getName()) {
                case "commitTransaction" -> throw new Killed();
                case "close" -> {
                  return null;
                }
                default -> {
                  try {
                    return method.invoke(producer, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                }
              }
            });
      }
    };
  }

  /** Stands for the end of the process. */
  private static final class Killed extends Error {
    Killed() {
      super("killed between push and commit");
    }
  }
}
