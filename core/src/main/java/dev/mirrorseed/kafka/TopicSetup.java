package dev.mirrorseed.kafka;

import dev.mirrorseed.events.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates mirrorseed's topics when they are missing and waits until they can take records. */
public final class TopicSetup {
  private static final int RESULT_PARTITIONS = 12;
  private static final int AUDIT_PARTITIONS = 3;

  private TopicSetup() {}

  /**
   * Ensures the three topics exist, then waits until every partition has a leader and answers an
   * offset lookup: producing earlier has lost records on a fresh broker (KAFKA-15591).
   */
  public static void ensureTopics(KafkaSettings settings) {
    Topics topics = settings.topics();
    try (Admin admin = Admin.create(settings.admin())) {
      short replication = (short) Math.min(3, admin.describeCluster().nodes().get(
          KafkaSettings.UNREACHABLE_AFTER.toMillis(), TimeUnit.MILLISECONDS).size());
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = new ArrayList<>();
      addIfMissing(missing, existing, topics.requests(), Topics.REQUEST_PARTITIONS, replication);
      addIfMissing(missing, existing, topics.results(), RESULT_PARTITIONS, replication);
      addIfMissing(missing, existing, topics.audit(), AUDIT_PARTITIONS, replication);
      if (!missing.isEmpty()) {
        try {
          admin.createTopics(missing).all().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      awaitLeaders(admin, List.of(topics.requests(), topics.results(), topics.audit()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException(settings.bootstrapServers(), e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new KafkaUnavailableException(settings.bootstrapServers(), e);
    }
  }

  private static void addIfMissing(
      List<NewTopic> missing, Set<String> existing, String name, int partitions, short replication) {
    if (!existing.contains(name)) {
      // Topics are the run's durable queue and audit trail: never expire them by age.
      missing.add(new NewTopic(name, partitions, replication)
          .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1")));
    }
  }

  private static void awaitLeaders(Admin admin, List<String> names)
      throws InterruptedException, ExecutionException {
    long deadline = System.nanoTime() + KafkaSettings.UNREACHABLE_AFTER.toNanos();
    while (true) {
      try {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        boolean allLed = true;
        for (TopicDescription description : admin.describeTopics(names).allTopicNames().get().values()) {
          for (TopicPartitionInfo partition : description.partitions()) {
            allLed &= partition.leader() != null;
            latest.put(new TopicPartition(description.name(), partition.partition()), OffsetSpec.latest());
          }
        }
        if (allLed) {
          admin.listOffsets(latest).all().get();
          return;
        }
      } catch (ExecutionException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new ExecutionException(new IllegalStateException("topics " + names + " have no leader"));
      }
      Thread.sleep(100);
    }
  }
}
