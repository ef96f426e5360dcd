package dev.mirrorseed.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.internals.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets the log cleaner keep Kafka's group and transaction state small, so that a start on a workspace
 * does not replay every run of the week before it.
 *
 * <p>At every start the group and transaction coordinators read their internal topic from its first
 * record, and no worker can join its group or begin a transaction before. Those topics are compacted,
 * but the cleaner only takes segments that have rolled, and theirs roll at 100 MiB or once 7 days old:
 * on a workspace with ~210 runs of the bench's bundle each load took 210-530 ms. Rolled every
 * {@link #ROLL_EVERY} of use, they are cleaned as runs go, down to about the latest state of each group
 * and transaction (74-154 ms there in every fifth of the next 30 runs). The settings are the topics'
 * own, kept by the controller, so they are made once per workspace, and only once the topics hold
 * enough to be worth the ~50 ms that adds to a stop ({@link #WORTH_ROLLING}). Only these two topics:
 * rolling mirrorseed's own as often would leave a segment, and its open files, per run and partition.
 */
final class CoordinatorLogRolling {
  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorLogRolling.class);
  static final Duration ROLL_EVERY = Duration.ofSeconds(10);
  /**
   * Kafka's default, 0.5, cleans a log once half of it is uncleaned: with most of it clean, the latest
   * state of ~900 transactional ids, the loads had grown back to 113-179 ms 20-30 runs on.
   */
  static final String DIRTY_SHARE_TO_CLEAN = "0.1";
  static final Map<String, String> SETTINGS = new TreeMap<>(Map.of(
      TopicConfig.SEGMENT_MS_CONFIG, Long.toString(ROLL_EVERY.toMillis()),
      TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, DIRTY_SHARE_TO_CLEAN));
  static final List<String> TOPICS = List.of(Topic.GROUP_METADATA_TOPIC_NAME, Topic.TRANSACTION_STATE_TOPIC_NAME);
  /**
   * In Kafka's log directory once the settings are made, so that it goes with the topics if that is
   * deleted; holds them, so that changed ones are made again.
   */
  static final String MADE = "coordinator-logs.rolling";
  /**
   * Below this the two loads took 30-80 ms, as on a fresh workspace. A run of the bench's bundle adds
   * ~11 kB, one of four small images ~5 kB.
   */
  static final long WORTH_ROLLING = 256 * 1024;
  /** A stop waits for this at most, and only until the settings are made. */
  private static final Duration WITHIN = Duration.ofSeconds(2);

  private CoordinatorLogRolling() {}

  /**
   * Makes the settings on the broker at {@code bootstrap}, whose log is in {@code logDir}, unless they
   * are made already or the topics hold too little to be worth it yet.
   */
  static void ensure(Path logDir, String bootstrap) {
    Path made = logDir.resolve(MADE);
    String settings = SETTINGS.entrySet().stream()
        .map(entry -> entry.getKey() + "=" + entry.getValue() + "\n").collect(Collectors.joining());
    if (settings.equals(read(made)) || bytesHeld(logDir) < WORTH_ROLLING) {
      return;
    }
    List<AlterConfigOp> ops = SETTINGS.entrySet().stream()
        .map(entry -> new AlterConfigOp(new ConfigEntry(entry.getKey(), entry.getValue()), AlterConfigOp.OpType.SET))
        .toList();
    Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) WITHIN.toMillis(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) WITHIN.toMillis()));
    try {
      admin.incrementalAlterConfigs(TOPICS.stream().collect(Collectors.toMap(
              topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic), topic -> ops)))
          .all().get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
      Files.writeString(made, settings);
    } catch (ExecutionException | TimeoutException | IOException e) {
      // A broker too slow to answer, or a topic no client has needed yet: the next stop tries again.
      LOG.debug("coordinator logs on {} not set to roll: {}", bootstrap, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      admin.close(Duration.ZERO);
    }
  }

  /** What the topics' partitions (directories {@code <topic>-<partition>}) hold on disk. */
  private static long bytesHeld(Path logDir) {
    long bytes = 0;
    try (DirectoryStream<Path> partitions = Files.newDirectoryStream(logDir,
        dir -> TOPICS.stream().anyMatch(topic -> dir.getFileName().toString().startsWith(topic + "-")))) {
      for (Path partition : partitions) {
        try (DirectoryStream<Path> segments = Files.newDirectoryStream(partition, "*.log")) {
          for (Path segment : segments) {
            bytes += Files.size(segment);
          }
        }
      }
    } catch (IOException e) {
      // Unreadable: counted as little, so a stop never fails over what only saves later starts time.
    }
    return bytes;
  }

  private static String read(Path made) {
    try {
      return Files.readString(made, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return ""; // missing or unreadable: made again, which costs a stop one request
    }
  }
}
