package dev.mirrorseed.work;

import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.kafka.KafkaUnavailableException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
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
  /** What was cleared: members removed from the workers' group, open transactions aborted. */
  public record Cleared(int members, int transactions) {}

  private DeadWorkers() {}

  /** Removes every member of the workers' group and aborts every open transaction of a worker. */
  public static Cleared clear(KafkaSettings settings) {
    String group = settings.topics().workerGroup();
    String workersTransactions = WorkerClients.transactionalId(group, "");
    try (Admin admin = Admin.create(settings.admin())) {
      int members = members(admin, group);
      if (members > 0) {
        // No member named: all of them, dynamic ones too (KIP-571).
        admin.removeMembersFromConsumerGroup(group, new RemoveMembersFromConsumerGroupOptions()).all().get();
      }
      List<String> open = admin.listTransactions(
              new ListTransactionsOptions().filterStates(List.of(TransactionState.ONGOING)))
          .all().get().stream()
          .map(TransactionListing::transactionalId)
          .filter(id -> id.startsWith(workersTransactions))
          .toList();
      if (!open.isEmpty()) {
        // Fencing a transactional.id bumps its epoch, and the coordinator aborts what that id left open.
        admin.fenceProducers(open).all().get();
      }
      return new Cleared(members, open.size());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException(settings.bootstrapServers(), e);
    } catch (ExecutionException e) {
      throw new KafkaUnavailableException(settings.bootstrapServers(), e);
    }
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
