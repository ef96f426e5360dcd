package dev.mirrorseed.cli;

import dev.mirrorseed.broker.EmbeddedKafka;
import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.work.DeadWorkers;
import java.util.Optional;

/**
 * What a process killed with the workspace's broker running left on it: its workers' group members
 * and open transactions, which new workers would otherwise wait out (10 s each).
 */
final class CrashLeftovers {
  private CrashLeftovers() {}

  /**
   * Clears them if {@code embedded} started after a crash, and says what it cleared. Only before any
   * client of this broker's joins: every worker it still knows of then died with the last process.
   */
  static Optional<DeadWorkers.Cleared> clear(EmbeddedKafka embedded, KafkaSettings kafka) {
    if (!embedded.startedAfterCrash()) {
      return Optional.empty();
    }
    DeadWorkers.Cleared cleared = DeadWorkers.clear(kafka);
    embedded.deadClientsCleared();
    return Optional.of(cleared);
  }

  static String describe(DeadWorkers.Cleared cleared) {
    return String.format("after a crash: %d dead workers left the group, %d of their transactions aborted, %d hanging",
        cleared.members(), cleared.transactions(), cleared.hanging());
  }
}
