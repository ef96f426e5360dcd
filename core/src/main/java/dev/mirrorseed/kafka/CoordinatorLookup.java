package dev.mirrorseed.kafka;

import dev.mirrorseed.events.Topics;
import java.time.Duration;
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
 * ({@code __consumer_offsets}, {@code __transaction_state}); asked for while mirrorseed's own topics are
 * created, they are ready with them instead of after them. A head start only: a failed or slow lookup
 * is no error, the workers look up their coordinators themselves anyway.
 */
final class CoordinatorLookup {
  /** How long a lookup may keep the caller waiting (a fresh single broker answers within ~0.2 s). */
  private static final Duration AWAITED_AT_MOST = Duration.ofSeconds(2);

  private final KafkaFuture<Void> lookups;

  private CoordinatorLookup(KafkaFuture<Void> lookups) {
    this.lookups = lookups;
  }

  static CoordinatorLookup start(Admin admin, Topics topics) {
    int timeoutMs = (int) AWAITED_AT_MOST.toMillis();
    // Any transactional id will do: it is the coordinator lookup that counts, not the answer.
    return new CoordinatorLookup(KafkaFuture.allOf(
        admin.describeConsumerGroups(List.of(topics.workerGroup()),
            new DescribeConsumerGroupsOptions().timeoutMs(timeoutMs)).all(),
        admin.describeTransactions(List.of(topics.workerGroup()),
            new DescribeTransactionsOptions().timeoutMs(timeoutMs)).all()));
  }

  /** Waits until both coordinators answered (with anything, an error included), or gave up. */
  void awaitQuietly() throws InterruptedException {
    try {
      lookups.get(AWAITED_AT_MOST.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // An unknown transactional id, a denied describe, a coordinator still loading: all fine here.
    }
  }
}
