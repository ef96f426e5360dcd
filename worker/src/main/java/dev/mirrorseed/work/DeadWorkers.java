package dev.mirrorseed.work;

import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.kafka.KafkaUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * Clears what the workers of a process that died (SIGKILL, a lost machine) left in Kafka. The group
 * coordinator keeps their members until their sessions time out (10 s) and hands their partitions to no
 * one before; their open transactions hold back every read_committed reader, the verifier among them,
 * until the broker aborts them (10 s). Only for a cluster that no live worker of another process uses,
 * such as the embedded broker of a workspace this process holds: there every member and every open
 * worker transaction is a dead process's.
 */
public final class DeadWorkers {
  /** Kafka's topic of committed offsets, where a transaction's offsets wait for its end. */
  private static final String GROUP_OFFSETS = "__consumer_offsets";
  /** How often a refused fence is asked again. */
  private static final Duration FENCE_POLL = Duration.ofMillis(20);

  /**
   * What was cleared: members removed from the workers' group, open transactions aborted through their
   * coordinator, and transactions aborted in a partition because their coordinator no longer knew them.
   */
  public record Cleared(int members, int transactions, int hanging) {}

  private DeadWorkers() {}

  /** Removes every member of the workers' group and aborts every open transaction of a worker. */
  public static Cleared clear(KafkaSettings settings) {
    String group = settings.topics().workerGroup();
    String workersTransactions = WorkerClients.transactionalId(group, "");
    // Fencing an id whose transaction is open is refused (CONCURRENT_TRANSACTIONS) until its coordinator
    // has aborted it. At the client's backoff (100 ms, doubling) clearing 4 took 4.3-4.7 s; 0.2-0.4 s now.
    try (Admin admin = Admin.create(settings.admin(FENCE_POLL))) {
      int members = members(admin, group);
      if (members > 0) {
        // No member named: all of them, dynamic ones too (KIP-571).
        admin.removeMembersFromConsumerGroup(group, new RemoveMembersFromConsumerGroupOptions()).all().get();
      }
      List<TransactionListing> open = admin.listTransactions(
              new ListTransactionsOptions().filterStates(List.of(TransactionState.ONGOING)))
          .all().get().stream()
          .filter(transaction -> transaction.transactionalId().startsWith(workersTransactions))
          .toList();
      if (!open.isEmpty()) {
        // Fencing a transactional.id bumps its epoch, and the coordinator aborts what that id left open.
        admin.fenceProducers(open.stream().map(TransactionListing::transactionalId).toList()).all().get();
      }
      Set<Long> aborting = open.stream().map(TransactionListing::producerId).collect(Collectors.toSet());
      int hanging = abortHanging(admin, settings.topics().results(), aborting);
      return new Cleared(members, open.size(), hanging);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException(settings.bootstrapServers(), e);
    } catch (ExecutionException e) {
      throw new KafkaUnavailableException(settings.bootstrapServers(), e);
    }
  }

  /**
   * A process killed with its broker running can leave a result in a results partition whose
   * transaction the coordinator's log no longer holds (after 2 of about 36 SIGKILLed pushes: the
   * coordinator had the worker's transaction as committed, the partition had no marker for it). No
   * timeout ends such a transaction, and every read_committed reader of that partition, the verifier,
   * would wait for ever. It is aborted in the partition itself, as {@code kafka-transactions.sh
   * find-hanging} and {@code abort} would; so is one in the group's offsets, which would hold back the
   * workers' committed offsets. Returns how many were.
   */
  private static int abortHanging(Admin admin, String results, Set<Long> abortedByCoordinator)
      throws InterruptedException, ExecutionException {
    List<TopicPartition> partitions = new ArrayList<>();
    admin.describeTopics(List.of(results, GROUP_OFFSETS)).allTopicNames().get().forEach((topic, described) ->
        described.partitions().forEach(p -> partitions.add(new TopicPartition(topic, p.partition()))));
    int aborted = 0;
    for (Map.Entry<TopicPartition, PartitionProducerState> partition
        : admin.describeProducers(partitions).all().get().entrySet()) {
      for (ProducerState producer : partition.getValue().activeProducers()) {
        if (producer.currentTransactionStartOffset().isPresent()
            && !abortedByCoordinator.contains(producer.producerId())) {
          admin.abortTransaction(new AbortTransactionSpec(partition.getKey(), producer.producerId(),
              (short) producer.producerEpoch(), producer.coordinatorEpoch().orElse(0))).all().get();
          aborted++;
        }
      }
    }
    return aborted;
  }

  private static int members(Admin admin, String group) throws InterruptedException, ExecutionException {
    try {
      return admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().size();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        // The process died before any of its workers joined.
        return 0;
      }
      throw e;
    }
  }
}
