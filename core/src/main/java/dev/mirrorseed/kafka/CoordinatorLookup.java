package dev.mirrorseed.kafka;

import dev.mirrorseed.events.Topics;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTransactionsOptions;
import org.apache.kafka.common.KafkaFuture;

/**
 * Asks a cluster for the coordinators of the workers' group and of their transactions, ahead of the
 * workers. On a fresh cluster that first lookup is what creates Kafka's internal topics
 * ({@code __consumer_offsets}, {@code __transaction_state}); asked for before mirrorseed's own topics
 * are created, they are ready before them instead of after them. Only the group's answer is awaited,
 * and only before the workers join ({@link #awaitGroupQuietly}).
 */
final class CoordinatorLookup {
  /** Long enough for the lookups to reach the cluster; the caller need not wait that long. */
  private static final int GIVE_UP_AFTER_MS = 2_000;

  private final KafkaFuture<?> group;

  private CoordinatorLookup(KafkaFuture<?> group) {
    this.group = group;
  }

  static CoordinatorLookup ask(Admin admin, Topics topics) {
    KafkaFuture<?> group = admin.describeConsumerGroups(List.of(topics.workerGroup()),
        new DescribeConsumerGroupsOptions().timeoutMs(GIVE_UP_AFTER_MS)).all();
    // Any transactional id will do: it is the coordinator lookup that counts, not the answer.
    admin.describeTransactions(List.of(topics.workerGroup()),
        new DescribeTransactionsOptions().timeoutMs(GIVE_UP_AFTER_MS));
    return new CoordinatorLookup(group);
  }

  /**
   * Waits until the group's coordinator answered (anything, "no such group" included), or the lookup
   * gave up. A restarted broker loads its groups after it is ready: workers that join meanwhile are
   * told to come back, those that come after them form the group alone, and the group then rebalances
   * once more, which it learns of only at heartbeats (~1.1 s more in 3 of 48 warm pushes here, at
   * 500 ms heartbeats).
   */
  void awaitGroupQuietly() throws InterruptedException {
    try {
      group.get(GIVE_UP_AFTER_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // An unknown group, a denied describe, a lookup that gave up: the workers find out themselves.
    }
  }
}
