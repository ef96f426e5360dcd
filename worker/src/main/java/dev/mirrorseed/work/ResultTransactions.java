package dev.mirrorseed.work;

import dev.mirrorseed.events.MirrorEvent;
import dev.mirrorseed.events.PushResult;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a request's result and commits the request's offset in one Kafka transaction: both land or
 * neither does. A worker that dies in between leaves no result for read_committed readers and the
 * request uncommitted, so the partition's next owner pushes it again (pushes are idempotent). The
 * group metadata sent with the offsets lets the broker refuse the commit of a worker that has lost
 * the partition in a rebalance.
 */
final class ResultTransactions implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResultTransactions.class);

  private final WorkerClients clients;
  private final String workerId;
  private final String topic;
  private Producer<String, MirrorEvent> producer;

  ResultTransactions(WorkerClients clients, String workerId, String topic) {
    this.clients = clients;
    this.workerId = workerId;
    this.topic = topic;
    this.producer = open();
  }

  /**
   * Marks the record at {@code offset} of {@code partition} done, with {@code result} (keyed by
   * {@code key}) or, for a record that held no request, with nothing.
   *
   * @return false when the transaction did not commit: whoever owns the partition must redo the record
   */
  boolean commit(TopicPartition partition, long offset, String key, PushResult result, ConsumerGroupMetadata group) {
    try {
      if (producer == null) {
        producer = open();
      }
      long started = System.nanoTime();
      producer.beginTransaction();
      if (result != null) {
        producer.send(new ProducerRecord<>(topic, key, result));
      }
      producer.sendOffsetsToTransaction(Map.of(partition, new OffsetAndMetadata(offset + 1)), group);
      producer.commitTransaction();
      log.debug("{}: committed offset {} of {} in {} ms", workerId, offset, partition,
          (System.nanoTime() - started) / 1_000_000);
      return true;
    } catch (KafkaException e) {
      // Whatever went wrong (a rebalance refused the offsets, the producer was fenced, a timeout left
      // the outcome unknown), a new producer with the same transactional.id settles the transaction:
      // it aborts it, or waits for a commit already under way. Afterwards the committed offset tells.
      log.warn("{}: the result of offset {} of {} may not be committed ({}: {}); unless it was, the request is"
          + " pushed again", workerId, offset, partition, e.getClass().getSimpleName(), e.getMessage());
      reopen();
      return false;
    }
  }

  private Producer<String, MirrorEvent> open() {
    Producer<String, MirrorEvent> fresh = clients.results(workerId);
    try {
      fresh.initTransactions();
      return fresh;
    } catch (KafkaException e) {
      fresh.close(Duration.ZERO);
      throw e;
    }
  }

  private void reopen() {
    closeQuietly();
    try {
      producer = open();
    } catch (KafkaException e) {
      // Kafka is away; the next commit tries again.
      producer = null;
    }
  }

  private void closeQuietly() {
    if (producer != null) {
      try {
        producer.close(Duration.ZERO);
      } catch (KafkaException e) {
        log.debug("{}: closing a failed producer: {}", workerId, e.getMessage());
      }
      producer = null;
    }
  }

  @Override
  public void close() {
    if (producer != null) {
      producer.close();
    }
  }
}
