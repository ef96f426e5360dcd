package dev.mirrorseed;

import dev.mirrorseed.events.MirrorEvent;
import dev.mirrorseed.kafka.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Every event a topic holds now, as a reader with the given isolation level sees it. */
public final class TopicContents {
  private TopicContents() {}

  /** What read_committed readers (every mirrorseed process) see: committed transactions only. */
  public static List<MirrorEvent> committed(KafkaSettings settings, String topic) {
    return values(read(settings, topic, "read_committed"));
  }

  /** Everything written, aborted and open transactions included. */
  public static List<MirrorEvent> uncommitted(KafkaSettings settings, String topic) {
    return values(read(settings, topic, "read_uncommitted"));
  }

  /** The committed records themselves, for a test that needs to know their partitions too. */
  public static List<ConsumerRecord<String, MirrorEvent>> committedRecords(KafkaSettings settings, String topic) {
    return read(settings, topic, "read_committed");
  }

  private static List<MirrorEvent> values(List<ConsumerRecord<String, MirrorEvent>> records) {
    return records.stream().map(ConsumerRecord::value).toList();
  }

  private static List<ConsumerRecord<String, MirrorEvent>> read(KafkaSettings settings, String topic,
      String isolation) {
    Properties config = settings.consumer(null, "test-reader");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
    List<ConsumerRecord<String, MirrorEvent>> records = new ArrayList<>();
    try (KafkaConsumer<String, MirrorEvent> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(info -> new TopicPartition(topic, info.partition()))
          .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      // For read_committed the end is the last stable offset: nothing past an open transaction.
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }
}
