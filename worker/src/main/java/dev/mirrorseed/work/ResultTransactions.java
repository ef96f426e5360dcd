package dev.mirrorseed.work;

import dev.mirrorseed.events.MirrorEvent;
import dev.mirrorseed.events.PushResult;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
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
 * Writes requests' results and commits the requests' offsets in one Kafka transaction: all land or
 * none does. A worker that dies in between leaves no result for read_committed readers and the
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
   * The record at {@code offset} of {@code partition}, done with: its {@code result} is keyed by
   * {@code key}; a record that held no request has no result.
   */
  record Done(TopicPartition partition, long offset, String key, PushResult result) {
    @Override
    public String toString() {
      return "offset " + offset + " of " + partition;
    }
  }

  /**
   * Marks the records {@code done} in one transaction: each partition's up to the last of its records
   * here, which must leave none of its earlier records undone. Results that finish together share it: a
   * commit takes 50-350 ms on a local broker, and one worker's commits run one after another.
   *
   * @return false when the transaction did not commit: whoever owns the partitions must redo the records
   */
  boolean commit(List<Done> done, ConsumerGroupMetadata group) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    done.forEach(record -> offsets.merge(record.partition(), new OffsetAndMetadata(record.offset() + 1),
        (one, other) -> one.offset() >= other.offset() ? one : other));
    try {
      if (producer == null) {
        producer = open();
      }
      long started = System.nanoTime();
      producer.beginTransaction();
      for (Done record : done) {
        if (record.result() != null) {
          producer.send(new ProducerRecord<>(topic, record.key(), record.result()));
        }
      }
      producer.sendOffsetsToTransaction(offsets, group);
      producer.commitTransaction();
      log.debug("{}: committed {} in {} ms", workerId, done, (System.nanoTime() - started) / 1_000_000);
      return true;
    } catch (KafkaException e) {
      // Whatever went wrong (a rebalance refused the offsets, the producer was fenced, a timeout left
      // the outcome unknown), a new producer with the same transactional.id settles the transaction:
      // it aborts it, or waits for a commit already under way. Afterwards the committed offsets tell.
      log.warn("{}: the results of {} may not be committed ({}: {}); unless they were, those requests are"
          + " pushed again", workerId, done, e.getClass().getSimpleName(), e.getMessage());
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
