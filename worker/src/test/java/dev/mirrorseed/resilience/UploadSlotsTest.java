package dev.mirrorseed.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Never more transfers at once than slots; a freed slot goes to a mount, then to the largest upload. */
class UploadSlotsTest {
  private final List<String> order = new CopyOnWriteArrayList<>();
  /** One slot, taken by a transfer named "holder" until {@link #holding} counts down. */
  private final UploadSlots slots = new UploadSlots(1, "r:1");
  private final CountDownLatch holding = new CountDownLatch(1);

  @Test
  void aFreedSlotGoesToTheMountsThenToTheLargestUploadsThenInArrivalOrder() throws Exception {
    Thread holder = waitingFor(false, 1, "holder", holding);
    List<Thread> waiters = new ArrayList<>();
    waiters.add(waitingFor(false, 10, "small", null));
    waiters.add(waitingFor(false, 5_000, "large", null));
    waiters.add(waitingFor(true, 0, "mount", null));
    waiters.add(waitingFor(false, 5_000, "large, later", null));
    waiters.add(waitingFor(false, 300, "middle", null));

    holding.countDown();
    holder.join(10_000);
    for (Thread waiter : waiters) {
      waiter.join(10_000);
    }

    assertThat(order).containsExactly("holder", "mount", "large", "large, later", "middle", "small");
    assertThat(slots.busy()).isZero();
  }

  @Test
  void neverMoreTransfersAtOnceThanSlots() throws Exception {
    UploadSlots threeSlots = new UploadSlots(3, "r:1");
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      long bytes = i * 100L;
      boolean mount = i % 4 == 0;
      Thread thread = new Thread(() -> threeSlots.run(mount, bytes, () -> {
        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
        sleep(20);
        running.decrementAndGet();
        return null;
      }));
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join(10_000);
    }

    assertThat(mostAtOnce.get()).isEqualTo(3);
    assertThat(threeSlots.busy()).isZero();
  }

  @Test
  void aTransferInterruptedWhileWaitingLeavesWithoutTakingASlot() throws Exception {
    Thread holder = waitingFor(false, 1, "holder", holding);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread interrupted = new Thread(() -> failure.set(catchThrowable(() -> slots.run(false, 99, () -> {
      order.add("interrupted");
      return null;
    }))));
    interrupted.start();
    awaitWaiting(interrupted);
    interrupted.interrupt();
    interrupted.join(10_000);
    Thread next = waitingFor(false, 1, "next", null);

    holding.countDown();
    holder.join(10_000);
    next.join(10_000);

    assertThat(failure.get()).isInstanceOf(IllegalStateException.class)
        .hasMessage("interrupted while waiting for an upload slot to r:1");
    assertThat(order).containsExactly("holder", "next");
    assertThat(slots.busy()).isZero();
  }

  /**
   * Starts a transfer that records its name once in a slot, and holds it until {@code release} (if
   * any) counts down; returns once it runs or waits for a slot.
   */
  private Thread waitingFor(boolean mount, long bytes, String name, CountDownLatch release)
      throws InterruptedException {
    CountDownLatch inSlot = new CountDownLatch(1);
    Thread thread = new Thread(() -> slots.run(mount, bytes, () -> {
      order.add(name);
      inSlot.countDown();
      if (release != null) {
        await(release);
      }
      return null;
    }), name);
    thread.start();
    if (release != null) {
      assertThat(inSlot.await(10, TimeUnit.SECONDS)).as(name + " in its slot").isTrue();
    } else {
      awaitWaiting(thread);
    }
    return thread;
  }

  private static void awaitWaiting(Thread thread) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (thread.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertThat(thread.getState()).as(thread.getName() + " waits for a slot").isEqualTo(Thread.State.WAITING);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
