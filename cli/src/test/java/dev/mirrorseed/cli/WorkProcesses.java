package dev.mirrorseed.cli;

import dev.mirrorseed.events.ImagePushed;
import dev.mirrorseed.events.MirrorEvent;
import dev.mirrorseed.events.Topics;
import dev.mirrorseed.kafka.KafkaSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * {@code work} processes seen from outside, as an operator's tools see them: which request partitions
 * each process holds in the workers' group, and which process pushed each image.
 */
final class WorkProcesses {
  private WorkProcesses() {}

  /** Waits until the group holds every request partition and each of {@code pids} holds some. */
  static void awaitEveryPartitionShared(String kafka, Topics topics, Set<Long> pids, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = Admin.create(new KafkaSettings(kafka, topics).admin())) {
      while (true) {
        Map<Long, Set<Integer>> held = partitionsByProcess(admin, topics);
        int assigned = held.values().stream().mapToInt(Set::size).sum();
        if (assigned == Topics.REQUEST_PARTITIONS && held.keySet().equals(pids)
            && held.values().stream().noneMatch(Set::isEmpty)) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("group " + topics.workerGroup() + " not shared by " + pids + " within "
              + timeout + ": request partitions by process " + held);
        }
        Thread.sleep(200);
      }
    }
  }

  /** The request partitions each process's members hold now (none while the group does not exist). */
  static Map<Long, Set<Integer>> partitionsByProcess(String kafka, Topics topics) throws Exception {
    try (Admin admin = Admin.create(new KafkaSettings(kafka, topics).admin())) {
      return partitionsByProcess(admin, topics);
    }
  }

  /**
   * How many requests each process has committed on the request partitions it holds now: the sum of
   * their committed offsets, which counts requests on a topic of the test's own.
   */
  static Map<Long, Long> committedByProcess(Admin admin, Topics topics) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(topics.workerGroup())
        .partitionsToOffsetAndMetadata().get();
    Map<Long, Long> byProcess = new HashMap<>();
    partitionsByProcess(admin, topics).forEach((pid, partitions) -> byProcess.put(pid, partitions.stream()
        .map(partition -> committed.get(new TopicPartition(topics.requests(), partition)))
        .filter(Objects::nonNull)
        .mapToLong(OffsetAndMetadata::offset)
        .sum()));
    return byProcess;
  }

  static Map<Long, Set<Integer>> partitionsByProcess(Admin admin, Topics topics) throws Exception {
    List<MemberDescription> members = List.of();
    try {
      members = List.copyOf(admin.describeConsumerGroups(List.of(topics.workerGroup())).all().get()
          .get(topics.workerGroup()).members());
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof GroupIdNotFoundException)) {
        throw e;
      }
    }
    return members.stream().collect(Collectors.groupingBy(
        member -> processOf(member.clientId()),
        Collectors.flatMapping(member -> member.assignment().topicPartitions().stream()
            .map(partition -> partition.partition()), Collectors.toSet())));
  }

  /** The run's {@link ImagePushed} events among {@code results}. */
  static List<ImagePushed> pushedIn(String runId, List<MirrorEvent> results) {
    return results.stream()
        .filter(event -> event.runId().equals(runId))
        .filter(ImagePushed.class::isInstance)
        .map(ImagePushed.class::cast)
        .toList();
  }

  /** The pid in a worker id ({@code host-pid-wN}, see {@link RunIds#processId}). */
  static long processOf(String workerId) {
    String[] parts = workerId.split("-");
    return Long.parseLong(parts[parts.length - 2]);
  }
}
