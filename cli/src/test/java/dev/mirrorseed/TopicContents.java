package dev.mirrorseed;

import dev.mirrorseed.events.MirrorEvent;
import dev.mirrorseed.kafka.KafkaSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Every event a topic holds now, as a reader with the given isolation level sees it, or as raw text. */
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

  /**
   * Every record of {@code topics} as text (topic, key, value, headers), aborted transactions included:
   * for tests that look at everything a run wrote, not at what a consumer would use.
   */
  public static List<String> raw(String bootstrapServers, List<String> topics) {
    Map<String, Object> settings = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    List<String> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings)) {
      List<TopicPartition> partitions = topics.stream()
          .flatMap(topic -> consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
              .map(info -> new TopicPartition(topic, info.partition())))
          .collect(Collectors.toList());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + topics + " to their end within 30 s");
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          StringBuilder text = new StringBuilder(record.topic()).append(' ')
              .append(utf8(record.key())).append(' ').append(utf8(record.value()));
          for (Header header : record.headers()) {
            text.append(' ').append(header.key()).append('=').append(utf8(header.value()));
          }
          records.add(text.toString());
        }
      }
    }
    return records;
  }

  private static String utf8(byte[] bytes) {
    return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
  }
}
