package dev.mirrorseed.kafka;

import dev.mirrorseed.events.Topics;
import java.time.Duration;
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
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates mirrorseed's topics when they are missing and waits until they can take records. */
public final class TopicSetup {
  /**
   * Results are small and one verifier reads every partition, so they need no partition per worker.
   * A fresh broker makes partitions one by one: with 12 of them, as the requests have, readying the
   * topics took 630-780 ms of a cold push of the bench's bundle, with 3 510-630 ms (4 alternating
   * pairs). Topics made before keep the partitions they have.
   */
  private static final int RESULT_PARTITIONS = 3;
  private static final int AUDIT_PARTITIONS = 3;
  /**
   * How often leaders are looked for: a fresh broker makes its 18 partitions ready one by one, and
   * each look is one small request.
   */
  private static final Duration LEADERS_POLL = Duration.ofMillis(20);

  private TopicSetup() {}

  /**
   * Ensures the three topics exist, then waits until every partition has a leader and answers an
   * offset lookup: producing earlier has lost records on a fresh broker (KAFKA-15591).
   */
  public static void ensureTopics(KafkaSettings settings) {
    ensureTopics(settings, false, () -> { });
  }

  /**
   * As {@link #ensureTopics}, for a process about to start workers: it first asks for the coordinators
   * of their group and transactions ({@link CoordinatorLookup}), so that on a fresh cluster Kafka's
   * internal topics are created before ours rather than after them, when the first worker asks.
   * {@code whenCreated} runs once the topics exist, before their leaders are awaited: the moment a
   * caller may start opening its workers' clients without slowing the creation itself. Returns once the
   * group's coordinator has answered too, so the workers can join together.
   */
  public static void ensureTopicsForWorkers(KafkaSettings settings, Runnable whenCreated) {
    ensureTopics(settings, true, whenCreated);
  }

  private static void ensureTopics(KafkaSettings settings, boolean forWorkers, Runnable whenCreated) {
    Topics topics = settings.topics();
    // What a partition still being made refuses (listOffsets on a fresh broker) is asked again soon:
    // at the client's own backoff each such wait was pure delay before the first push.
    Admin admin = Admin.create(settings.admin(LEADERS_POLL));
    try {
      // Asked first: the broker then requests the internal topics from the controller before ours.
      CoordinatorLookup coordinators = forWorkers ? CoordinatorLookup.ask(admin, topics) : null;
      KafkaFuture<Set<String>> names = admin.listTopics().names();
      short replication = (short) Math.min(3, admin.describeCluster().nodes().get(
          KafkaSettings.UNREACHABLE_AFTER.toMillis(), TimeUnit.MILLISECONDS).size());
      Set<String> existing = names.get();
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
      whenCreated.run();
      awaitLeaders(admin, List.of(topics.requests(), topics.results(), topics.audit()));
      if (coordinators != null) {
        coordinators.awaitGroupQuietly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException(settings.bootstrapServers(), e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new KafkaUnavailableException(settings.bootstrapServers(), e);
    } finally {
      // No grace period: all that may still be open is the transactions' lookup, which nobody waits for.
      admin.close(Duration.ZERO);
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
      Thread.sleep(LEADERS_POLL.toMillis());
    }
  }
}
