package dev.mirrorseed.cli;

import dev.mirrorseed.events.MirrorEvent;
import dev.mirrorseed.events.PushResult;
import dev.mirrorseed.events.Topics;
import dev.mirrorseed.kafka.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Everything on a results topic, as the workers wrote it (duplicates from a rebalance included). */
final class ResultsTopic {
  private ResultsTopic() {}

  static List<PushResult> read(String bootstrapServers, String topicPrefix) {
    KafkaSettings settings = new KafkaSettings(bootstrapServers, new Topics(topicPrefix));
    List<PushResult> results = new ArrayList<>();
    try (KafkaConsumer<String, MirrorEvent> consumer =
        new KafkaConsumer<>(settings.consumer(null, "results-topic-test-reader"))) {
      List<TopicPartition> partitions = consumer.partitionsFor(settings.topics().results()).stream()
          .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("results topic not read to its end within 30 s");
        }
        for (ConsumerRecord<String, MirrorEvent> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.value() instanceof PushResult result) {
            results.add(result);
          }
        }
      }
    }
    return results;
  }
}
