package dev.mirrorseed.work;

import dev.mirrorseed.events.RequestOffset;
import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.push.CommittedRequests;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker group's committed offsets on the requests topic, asked of Kafka at most every
 * {@link #FRESH_FOR} however many pushes ask at once. A request below its partition's committed offset
 * is done: a worker commits a request's offset in the same transaction as its result.
 */
final class GroupCommits implements CommittedRequests, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCommits.class);
  private static final Duration FRESH_FOR = Duration.ofMillis(200);
  /** Short: a push waiting on the answer looks at the registry again meanwhile only after it. */
  private static final Duration ASK_WITHIN = Duration.ofSeconds(5);

  private final KafkaSettings settings;
  private final String group;
  private final String topic;
  /** Per partition of the requests topic, the highest committed offset seen: offsets only grow. */
  private final Map<Integer, Long> committed = new HashMap<>();
  /** When what it was told is old enough to ask again (System.nanoTime); until the first ask, now. */
  private long askAgainAt = System.nanoTime();
  /** Made when first needed: most runs never wait for another process. */
  private Admin admin;
  private boolean closed;

  GroupCommits(KafkaSettings settings) {
    this.settings = settings;
    this.group = settings.topics().workerGroup();
    this.topic = settings.topics().requests();
  }

  @Override
  public synchronized boolean isCommitted(RequestOffset request) {
    if (!below(request) && System.nanoTime() - askAgainAt >= 0) {
      ask();
    }
    return below(request);
  }

  private boolean below(RequestOffset request) {
    Long next = committed.get(request.partition());
    return next != null && next > request.offset();
  }

  private void ask() {
    try {
      if (closed) {
        return;
      }
      if (admin == null) {
        admin = Admin.create(settings.admin());
      }
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get(ASK_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
      offsets.forEach((partition, offset) -> {
        if (offset != null && partition.topic().equals(topic)) {
          committed.merge(partition.partition(), offset.offset(), Math::max);
        }
      });
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      // The push waiting goes on looking at the registry, and gives up waiting after its patience.
      log.debug("could not read the committed offsets of {}: {}", group, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      askAgainAt = System.nanoTime() + FRESH_FOR.toNanos();
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
  }
}
