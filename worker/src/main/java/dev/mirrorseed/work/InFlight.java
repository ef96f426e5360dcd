package dev.mirrorseed.work;

import dev.mirrorseed.events.PushResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.TopicPartition;

/**
 * The request at {@code offset} of {@code partition}, keyed by its target repository, being pushed off
 * the poll thread, the push, and whether it waits for shared blobs sent elsewhere.
 */
record InFlight(TopicPartition partition, long offset, String key, Future<PushResult> push, PushWaits waits) {
  /**
   * A record that holds no request: done at once, it has only to be committed in its turn, after the
   * pushes before it on its partition.
   */
  static InFlight nothingToPush(TopicPartition partition, long offset) {
    return new InFlight(partition, offset, null, CompletableFuture.completedFuture(null), new PushWaits(() -> { }));
  }

  boolean running() {
    return !push.isDone();
  }

  /** Running, and not just waiting for a blob a worker elsewhere sends: it takes one of the worker's slots. */
  boolean busy() {
    return running() && !waits.waiting();
  }

  /** Waits up to {@code timeout} for the push; true once it is done. */
  boolean await(Duration timeout) throws InterruptedException {
    try {
      push.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true;
    }
  }

  /** The finished push, to commit. */
  ResultTransactions.Done done() {
    return new ResultTransactions.Done(partition, offset, key, result());
  }

  /** The finished push's result; a push that threw more than a registry error is a bug, and says so. */
  PushResult result() {
    try {
      return push.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("pushing offset " + offset + " of " + partition + " failed: "
          + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while taking a finished push's result", e);
    }
  }

  /** Stops the push (its thread is interrupted); its result, if any, is never committed. */
  void abandon() {
    push.cancel(true);
  }
}
