package dev.mirrorseed.work;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.TestKafka;
import dev.mirrorseed.events.RequestOffset;
import dev.mirrorseed.events.Topics;
import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.kafka.TopicSetup;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** A push learns from a real broker which requests the worker group has committed. */
class GroupCommitsTest {
  @Test
  void aRequestIsCommittedOnceItsPartitionsCommittedOffsetIsPastIt() throws Exception {
    KafkaSettings settings = new KafkaSettings(TestKafka.bootstrapServers(),
        new Topics("commits" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL)));
    TopicSetup.ensureTopics(settings);
    try (GroupCommits commits = new GroupCommits(settings)) {
      assertThat(commits.isCommitted(new RequestOffset(2, 0))).as("nothing committed yet").isFalse();

      commit(settings, 2, 5);
      // Asked again once what it was told is older than 200 ms.
      Thread.sleep(250);

      assertThat(commits.isCommitted(new RequestOffset(2, 4))).isTrue();
      assertThat(commits.isCommitted(new RequestOffset(2, 5))).as("the next to read").isFalse();
      assertThat(commits.isCommitted(new RequestOffset(3, 0))).as("another partition").isFalse();
    }
  }

  /** Commits {@code offset} on a partition of the requests topic as the worker group. */
  private static void commit(KafkaSettings settings, int partition, long offset) {
    try (KafkaConsumer<?, ?> group = new KafkaConsumer<>(settings.consumer(settings.topics().workerGroup(), "test"))) {
      group.commitSync(Map.of(new TopicPartition(settings.topics().requests(), partition),
          new OffsetAndMetadata(offset)), Duration.ofSeconds(30));
    }
  }
}
