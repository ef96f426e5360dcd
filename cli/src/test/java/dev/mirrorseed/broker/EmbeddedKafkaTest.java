package dev.mirrorseed.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {
  private static final String TOPIC = "queue";
  private static final String GROUP = "workers";
  private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);
  private static final int RECORDS = 100;

  @TempDir Path dir;

  @Test
  void restartOnTheSameDirectoryKeepsRecordsAndCommittedOffsets() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
      try (Admin admin = admin(kafka)) {
        admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        awaitLeader(admin);
      }
      produce(kafka);
      assertThat(consumeAndCommit(kafka)).hasSize(RECORDS);
    }

    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir); Admin admin = admin(kafka)) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
      assertThat(committed.get(PARTITION).offset()).isEqualTo(RECORDS);
      long end = admin.listOffsets(Map.of(PARTITION, OffsetSpec.latest())).partitionResult(PARTITION)
          .get().offset();
      assertThat(end).isEqualTo(RECORDS);
    }
  }

  @Test
  void aRunningBrokerSnapshotsItsMetadataSoTheNextStartNeedNotReplayEveryRun() throws Exception {
    Path metadata = dir.resolve("kafka/__cluster_metadata-0");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (snapshotsAfterTheFirstRecord(metadata).isEmpty()) {
        assertThat(System.nanoTime()).as("a metadata snapshot within 10 s of the start").isLessThan(deadline);
        Thread.sleep(100);
      }
    }
  }

  /** Snapshot files ({@code <end offset>-<epoch>.checkpoint}) but the one formatting wrote at offset 0. */
  private static List<Path> snapshotsAfterTheFirstRecord(Path metadata) throws IOException {
    try (Stream<Path> files = Files.list(metadata)) {
      return files.filter(file -> file.getFileName().toString().endsWith(".checkpoint"))
          .filter(file -> !file.getFileName().toString().startsWith("00000000000000000000-"))
          .toList();
    }
  }

  @Test
  void theCoordinatorsLogsRollSoThatTheCleanerCompactsThemWithinARun() throws Exception {
    Path made = dir.resolve("kafka").resolve(CoordinatorLogRolling.MADE);
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
      try (Admin admin = admin(kafka)) {
        admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        awaitLeader(admin);
      }
      produce(kafka);
      consumeAndCommit(kafka);
      commitTransaction(kafka);
    }
    assertThat(made).as("left as Kafka makes them while they hold little").doesNotExist();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
      commitOffsetsWorth(kafka, CoordinatorLogRolling.WORTH_ROLLING);
      assertThat(made).as("made at the stop").doesNotExist();
    }
    assertThat(made).hasContent("min.cleanable.dirty.ratio=0.1\nsegment.ms=10000");

    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir); Admin admin = admin(kafka)) {
      for (String topic : CoordinatorLogRolling.TOPICS) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        assertThat(config.get("segment.ms").value()).as(topic).isEqualTo("10000");
        assertThat(config.get("min.cleanable.dirty.ratio").value()).as(topic).isEqualTo("0.1");
      }
      // The next transaction after the roll interval rolls the segment the first one went to.
      commitTransaction(kafka);
      Thread.sleep(CoordinatorLogRolling.ROLL_EVERY.toMillis() + 200);
      commitTransaction(kafka);
      // Kafka's cleaner would look next 15 s after the start, ~4 s from here.
      Path cleaned = dir.resolve("kafka/cleaner-offset-checkpoint");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (!Files.exists(cleaned) || !Files.readString(cleaned).contains("__transaction_state 0 ")) {
        assertThat(System.nanoTime()).as("__transaction_state compacted within 2 s of the roll")
            .isLessThan(deadline);
        Thread.sleep(100);
      }
    }
  }

  @Test
  void aBrokerStartedWhereTheLastOneDiedRunningLetsTheDeadOnesRegistrationExpireSoon() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
      assertThat(kafka.startedAfterCrash()).as("on a fresh directory").isFalse();
    }
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir); Admin admin = admin(kafka)) {
      assertThat(kafka.startedAfterCrash()).as("after a clean stop").isFalse();
      assertThat(sessionTimeoutMs(admin)).as("Kafka's default").isEqualTo("9000");
    }
    // What a process killed with its broker running leaves: the log, without the mark of a clean stop.
    Files.delete(dir.resolve(EmbeddedKafka.STOPPED_CLEANLY));
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir); Admin admin = admin(kafka)) {
      assertThat(kafka.startedAfterCrash()).isTrue();
      assertThat(sessionTimeoutMs(admin)).isEqualTo("2000");
    }
    // Stopped cleanly, but nobody cleared what the dead process left (as after `report`): still marked.
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
      assertThat(kafka.startedAfterCrash()).as("after a clean stop that cleared nothing").isTrue();
      kafka.deadClientsCleared();
    }
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
      assertThat(kafka.startedAfterCrash()).as("once what the crash left was cleared").isFalse();
    }
  }

  private static String sessionTimeoutMs(Admin admin) throws Exception {
    return brokerConfig(admin, "broker.session.timeout.ms");
  }

  private static String brokerConfig(Admin admin, String name) throws Exception {
    ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
    return admin.describeConfigs(List.of(broker)).all().get().get(broker).get(name).value();
  }

  @Test
  void aBrokerKeptRunningHeartbeatsAndSnapshotsLessOftenThanOneForARun() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir); Admin admin = admin(kafka)) {
      assertThat(brokerConfig(admin, "broker.heartbeat.interval.ms")).isEqualTo("200");
      assertThat(brokerConfig(admin, "metadata.max.idle.interval.ms")).isEqualTo("500");
      assertThat(brokerConfig(admin, "metadata.log.max.snapshot.interval.ms")).isEqualTo("2000");
    }
    try (RunningBroker kept = RunningBroker.start(dir, 0); Admin admin = admin(kept.bootstrapServers())) {
      assertThat(brokerConfig(admin, "broker.heartbeat.interval.ms")).isEqualTo("1000");
      assertThat(brokerConfig(admin, "metadata.max.idle.interval.ms")).isEqualTo("5000");
      assertThat(brokerConfig(admin, "metadata.log.max.snapshot.interval.ms")).isEqualTo("60000");
    }
    // After a crash its sessions last 2 s, and it heartbeats as often as a run's broker: ten a session.
    Files.delete(dir.resolve(EmbeddedKafka.STOPPED_CLEANLY));
    try (RunningBroker kept = RunningBroker.start(dir, 0); Admin admin = admin(kept.bootstrapServers())) {
      assertThat(sessionTimeoutMs(admin)).isEqualTo("2000");
      assertThat(brokerConfig(admin, "broker.heartbeat.interval.ms")).isEqualTo("200");
    }
  }

  @Test
  void aSecondBrokerOnADirectoryInUseFailsWithOneLine() {
    try (EmbeddedKafka first = EmbeddedKafka.start(dir)) {
      assertThatThrownBy(() -> EmbeddedKafka.start(dir))
          .isInstanceOf(WorkspaceInUseException.class)
          .hasMessage("workspace " + dir.toAbsolutePath() + " is in use by another mirrorseed process");
      assertThat(first.bootstrapServers()).startsWith("127.0.0.1:");
    }
    // Closing released the directory.
    EmbeddedKafka.start(dir).close();
  }

  @Test
  void aTakenPortIsReportedInOneLine() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThatThrownBy(() -> EmbeddedKafka.start(dir, taken.getLocalPort()))
          .isInstanceOf(BrokerFailedException.class)
          .hasMessage("port " + taken.getLocalPort() + " on 127.0.0.1 is already in use: choose another port");
    }
    // The failed start released the directory.
    EmbeddedKafka.start(dir).close();
  }

  private static Admin admin(EmbeddedKafka kafka) {
    return admin(kafka.bootstrapServers());
  }

  private static Admin admin(String bootstrapServers) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
  }

  // Producing before the partition has a leader has lost records (KAFKA-15591).
  private static void awaitLeader(Admin admin) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (admin.describeTopics(Set.of(TOPIC)).allTopicNames().get().get(TOPIC)
        .partitions().get(0).leader() == null) {
      assertThat(System.nanoTime()).as("partition leader elected within 30 s").isLessThan(deadline);
      Thread.sleep(50);
    }
    admin.listOffsets(Map.of(PARTITION, OffsetSpec.latest())).all().get();
  }

  private static void produce(EmbeddedKafka kafka) throws Exception {
    Map<String, Object> props = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      for (int i = 0; i < RECORDS; i++) {
        CompletableFuture<RecordMetadata> ack = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(TOPIC, "key-" + i, "value-" + i), (metadata, error) -> {
          if (error != null) {
            ack.completeExceptionally(error);
          } else {
            ack.complete(metadata);
          }
        });
        acks.add(ack);
      }
    }
    for (int i = 0; i < RECORDS; i++) {
      assertThat(acks.get(i).get(10, TimeUnit.SECONDS).offset()).isEqualTo(i);
    }
  }

  /** Commits the group's offset again and again, with metadata of Kafka's maximum size, until {@code bytes}. */
  private static void commitOffsetsWorth(EmbeddedKafka kafka, long bytes) {
    String metadata = "m".repeat(4096);
    try (KafkaConsumer<String, String> consumer = groupMember(kafka)) {
      for (long written = 0; written < bytes; written += metadata.length()) {
        consumer.commitSync(Map.of(PARTITION, new OffsetAndMetadata(RECORDS, metadata)));
      }
    }
  }

  /** Writes to the transaction coordinator's log (and creates it on first use). */
  private static void commitTransaction(EmbeddedKafka kafka) {
    Map<String, Object> props = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-transactions",
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(TOPIC, "key", "in a transaction"));
      producer.commitTransaction();
    }
  }

  private static List<String> consumeAndCommit(EmbeddedKafka kafka) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = groupMember(kafka)) {
      consumer.subscribe(List.of(TOPIC));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (values.size() < RECORDS && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
      }
      consumer.commitSync();
    }
    return values;
  }

  /** A consumer in {@link #GROUP} that commits only when told to. */
  private static KafkaConsumer<String, String> groupMember(EmbeddedKafka kafka) {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, GROUP,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
  }
}
