package dev.mirrorseed.kafka;

import dev.mirrorseed.events.Topics;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTransactionsOptions;

/**
 * Asks a cluster for the coordinators of the workers' group and of their transactions, ahead of the
 * workers. On a fresh cluster that first lookup is what creates Kafka's internal topics
 * ({@code __consumer_offsets}, {@code __transaction_state}); asked for before mirrorseed's own topics
 * are created, they are ready before them instead of after them. A head start only: nobody waits for
 * the answers, and the workers look up their coordinators themselves anyway.
 */
final class CoordinatorLookup {
  /** Long enough for the lookups to reach the cluster; the caller need not wait that long. */
  private static final int GIVE_UP_AFTER_MS = 2_000;

  private CoordinatorLookup() {}

  static void ask(Admin admin, Topics topics) {
    admin.describeConsumerGroups(List.of(topics.workerGroup()),
        new DescribeConsumerGroupsOptions().timeoutMs(GIVE_UP_AFTER_MS));
    // Any transactional id will do: it is the coordinator lookup that counts, not the answer.
    admin.describeTransactions(List.of(topics.workerGroup()),
        new DescribeTransactionsOptions().timeoutMs(GIVE_UP_AFTER_MS));
  }
}
