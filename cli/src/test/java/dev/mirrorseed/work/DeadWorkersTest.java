package dev.mirrorseed.work;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.TestKafka;
import dev.mirrorseed.events.Topics;
import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.kafka.TopicSetup;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** What a killed process's workers leave in Kafka, cleared by the next process on an embedded broker. */
class DeadWorkersTest {
  @Test
  void aDeadWorkersOpenTransactionIsAbortedSoReadCommittedReadersGoOn() throws Exception {
    Topics topics = new Topics("dead" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL));
    KafkaSettings settings = new KafkaSettings(TestKafka.bootstrapServers(), topics);
    TopicSetup.ensureTopics(settings);
    TopicPartition results = new TopicPartition(topics.results(), 0);
    // A worker killed mid-transaction: a result sent in it, then neither a commit nor a close.
    Properties worker = settings.transactionalProducer("vm-1-w1",
        WorkerClients.transactionalId(topics.workerGroup(), "vm-1-w1"));
    worker.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    KafkaProducer<String, String> dead = new KafkaProducer<>(worker);
    try (Consumer<String, ?> verifier = new KafkaConsumer<>(settings.consumer(null, "verifier"))) {
      dead.initTransactions();
      dead.beginTransaction();
      dead.send(new ProducerRecord<>(results.topic(), results.partition(), "repository", "a result")).get();
      assertThat(readableEnd(verifier, results)).as("read_committed end while the transaction is open").isZero();

      DeadWorkers.Cleared cleared = DeadWorkers.clear(settings);

      assertThat(cleared).isEqualTo(new DeadWorkers.Cleared(0, 1, 0));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      // The record and the abort marker after it: a reader now gets past both.
      while (readableEnd(verifier, results) < 2) {
        assertThat(System.nanoTime()).as("the transaction aborted within 5 s, not at its 10 s timeout")
            .isLessThan(deadline);
        Thread.sleep(50);
      }
    } finally {
      dead.close();
    }
  }

  private static long readableEnd(Consumer<String, ?> consumer, TopicPartition partition) {
    return consumer.endOffsets(List.of(partition)).get(partition);
  }
}
