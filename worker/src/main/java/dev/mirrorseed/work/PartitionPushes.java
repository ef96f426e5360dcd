package dev.mirrorseed.work;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * The pushes a worker holds from one partition, in offset order: running, or finished and waiting for
 * the earlier ones, since a partition's offsets can only be committed from the front.
 */
final class PartitionPushes {
  private final Deque<InFlight> pushes = new ArrayDeque<>();

  void add(InFlight push) {
    pushes.addLast(push);
  }

  /** Puts pushes taken from the front back there, as they were: their commit did not land. */
  void putBack(List<InFlight> front) {
    for (int i = front.size() - 1; i >= 0; i--) {
      pushes.addFirst(front.get(i));
    }
  }

  /** Whether a push of {@code key} (a target repository) still runs: the next of that key must wait. */
  boolean runs(String key) {
    return pushes.stream().anyMatch(push -> push.running() && Objects.equals(push.key(), key));
  }

  long busy() {
    return pushes.stream().filter(InFlight::busy).count();
  }

  int size() {
    return pushes.size();
  }

  boolean isEmpty() {
    return pushes.isEmpty();
  }

  /** Removes and returns the finished pushes ahead of the first running one: these can be committed. */
  List<InFlight> takeFinishedFront() {
    List<InFlight> front = new ArrayList<>();
    while (!pushes.isEmpty() && !pushes.peekFirst().running()) {
      front.add(pushes.removeFirst());
    }
    return front;
  }

  List<InFlight> takeAll() {
    List<InFlight> all = List.copyOf(pushes);
    pushes.clear();
    return all;
  }
}
