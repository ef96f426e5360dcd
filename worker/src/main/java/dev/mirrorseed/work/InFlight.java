package dev.mirrorseed.work;

import dev.mirrorseed.events.MirrorEvent;
import dev.mirrorseed.events.PushResult;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/** A request being pushed off the poll thread, and the push. */
record InFlight(ConsumerRecord<String, MirrorEvent> request, Future<PushResult> push) {
  TopicPartition partition() {
    return new TopicPartition(request.topic(), request.partition());
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
    return new ResultTransactions.Done(partition(), request.offset(), request.key(), result());
  }

  /** The finished push's result; a push that threw more than a registry error is a bug, and says so. */
  PushResult result() {
    try {
      return push.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("pushing offset " + request.offset() + " of " + partition() + " failed: "
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
