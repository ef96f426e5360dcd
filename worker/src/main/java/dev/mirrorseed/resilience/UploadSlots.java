package dev.mirrorseed.resilience;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.function.Supplier;

/**
 * The upload bulkhead: at most a number of blob transfers to one registry at once from this process. A
 * slot that frees goes to a waiting mount first (it takes milliseconds and completes an image), then to
 * the largest upload waiting. In arrival order, a bundle's largest layer could start behind dozens of
 * small ones, and then go up alone on one stream for the run's last seconds while the registry had room
 * for more.
 */
final class UploadSlots {
  private static final Comparator<Waiter> NEXT = Comparator.comparing((Waiter waiter) -> !waiter.mount)
      .thenComparing(Comparator.comparingLong((Waiter waiter) -> waiter.bytes).reversed())
      .thenComparingLong(waiter -> waiter.arrival);

  private static final class Waiter {
    final boolean mount;
    final long bytes;
    final long arrival;
    boolean granted;

    Waiter(boolean mount, long bytes, long arrival) {
      this.mount = mount;
      this.bytes = bytes;
      this.arrival = arrival;
    }
  }

  private final int slots;
  private final String registry;
  private final PriorityQueue<Waiter> waiting = new PriorityQueue<>(NEXT);
  private int busy;
  private long arrivals;

  UploadSlots(int slots, String registry) {
    if (slots < 1) {
      throw new IllegalArgumentException("at least one upload slot, got " + slots);
    }
    this.slots = slots;
    this.registry = registry;
  }

  /** Runs {@code transfer} in a slot: a mount, or an upload of {@code bytes}. */
  <T> T run(boolean mount, long bytes, Supplier<T> transfer) {
    acquire(mount, bytes);
    try {
      return transfer.get();
    } finally {
      release();
    }
  }

  synchronized int busy() {
    return busy;
  }

  private synchronized void acquire(boolean mount, long bytes) {
    if (busy < slots && waiting.isEmpty()) {
      busy++;
      return;
    }
    Waiter waiter = new Waiter(mount, bytes, arrivals++);
    waiting.add(waiter);
    try {
      while (!waiter.granted) {
        wait();
      }
    } catch (InterruptedException e) {
      if (waiter.granted) {
        release();
      } else {
        waiting.remove(waiter);
      }
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for an upload slot to " + registry, e);
    }
  }

  private synchronized void release() {
    busy--;
    boolean granted = false;
    while (busy < slots && !waiting.isEmpty()) {
      waiting.poll().granted = true;
      busy++;
      granted = true;
    }
    if (granted) {
      notifyAll();
    }
  }
}
