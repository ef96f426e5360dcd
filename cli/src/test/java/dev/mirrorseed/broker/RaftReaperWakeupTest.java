package dev.mirrorseed.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.kafka.server.util.ShutdownableThread;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A reaper that polls far longer than Kafka's 200 ms, as Kafka's does it (not interrupted when shut
 * down, an interrupt ending its poll with an exception): shut down while the wakeup is open, it stops at
 * once; before its shutdown, the wakeup leaves it alone.
 */
class RaftReaperWakeupTest {
  private static final Duration POLL = Duration.ofSeconds(20);

  private final ShutdownableThread reaper = new ShutdownableThread(RaftReaperWakeup.REAPER, false) {
    @Override
    public void doWork() {
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        throw new RuntimeException(e);
      }
    }
  };

  @AfterEach
  void stopTheReaper() {
    reaper.initiateShutdown();
    reaper.interrupt();
  }

  @Test
  void aReaperShutDownWhileTheWakeupIsOpenStopsWithoutWaitingOutItsPoll() throws Exception {
    reaper.start();
    awaitPolling();
    long started = System.nanoTime();
    try (RaftReaperWakeup wakeup = RaftReaperWakeup.watch()) {
      reaper.shutdown();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(took).isLessThan(POLL.dividedBy(4));
    assertThat(reaper.isShutdownComplete()).isTrue();
    assertThat(reaper.isThreadFailed()).as("ended as shut down, not by an error").isFalse();
  }

  @Test
  void aReaperStillRunningIsLeftAlone() throws Exception {
    reaper.start();
    awaitPolling();
    try (RaftReaperWakeup wakeup = RaftReaperWakeup.watch()) {
      Thread.sleep(100);
    }

    assertThat(reaper.isAlive()).isTrue();
    assertThat(reaper.isShutdownInitiated()).isFalse();
    assertThat(reaper.getState()).isEqualTo(Thread.State.TIMED_WAITING);
  }

  private void awaitPolling() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (reaper.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertThat(reaper.getState()).isEqualTo(Thread.State.TIMED_WAITING);
  }
}
