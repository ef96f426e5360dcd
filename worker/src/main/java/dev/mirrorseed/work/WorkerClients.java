package dev.mirrorseed.work;

import dev.mirrorseed.events.MirrorEvent;
import dev.mirrorseed.kafka.KafkaSettings;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

/** Makes a worker's two Kafka clients: the real ones, or in tests ones tuned or wrapped to misbehave. */
public interface WorkerClients {
  /** A member of the workers' consumer group that commits nothing itself. */
  Consumer<String, MirrorEvent> requests(String workerId);

  /**
   * A transactional producer of results, not yet initialised; each call is a new instance with the
   * same {@code transactional.id}, which fences the one before and settles what it left open.
   */
  Producer<String, MirrorEvent> results(String workerId);

  static WorkerClients of(KafkaSettings settings) {
    String group = settings.topics().workerGroup();
    return new WorkerClients() {
      @Override
      public Consumer<String, MirrorEvent> requests(String workerId) {
        return new KafkaConsumer<>(settings.consumer(group, workerId));
      }

      @Override
      public Producer<String, MirrorEvent> results(String workerId) {
        return new KafkaProducer<>(settings.transactionalProducer(workerId, transactionalId(group, workerId)));
      }
    };
  }

  /** The {@code transactional.id} of each results producer a worker makes: the same, so each fences the last. */
  static String transactionalId(String group, String workerId) {
    return group + "-" + workerId;
  }
}
