package dev.mirrorseed.report;

import dev.mirrorseed.events.MirrorEvent;
import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.kafka.KafkaUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;

/**
 * Reads one run's events back from the results and audit topics, from their start to where they end
 * now, as every mirrorseed reader does (committed transactions only), without joining a group or
 * creating a topic: the record a report is rebuilt from, whatever happened to the processes that wrote it.
 * A record that is no mirrorseed event is counted and passed over: one stray message must not hide a run.
 */
public final class RunReplay {
  private static final Duration POLL = Duration.ofMillis(200);
  private static final int RECORDS_PER_POLL = 500;

  /** What was read: the run's events in topic order (per partition), and how many records were unreadable. */
  public record Events(List<MirrorEvent> events, int unreadable) {}

  private RunReplay() {}

  public static Events of(KafkaSettings settings, String runId) {
    Properties config = settings.consumer(null, "mirrorseed-report-" + runId);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, RECORDS_PER_POLL);
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    List<MirrorEvent> events = new ArrayList<>();
    int unreadable = 0;
    try (KafkaConsumer<String, MirrorEvent> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> partitions = Stream.of(settings.topics().results(), settings.topics().audit())
          .flatMap(topic -> consumer.partitionsFor(topic, KafkaSettings.UNREACHABLE_AFTER).stream()
              .map(info -> new TopicPartition(topic, info.partition())))
          .toList();
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, KafkaSettings.UNREACHABLE_AFTER);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        try {
          for (ConsumerRecord<String, MirrorEvent> record : consumer.poll(POLL)) {
            if (record.value() != null && runId.equals(record.value().runId())) {
              events.add(record.value());
            }
          }
        } catch (RecordDeserializationException e) {
          unreadable++;
          consumer.seek(e.topicPartition(), e.offset() + 1);
        }
      }
      return new Events(events, unreadable);
    } catch (KafkaException e) {
      throw new KafkaUnavailableException(settings.bootstrapServers(), e);
    }
  }
}
