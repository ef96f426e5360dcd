package dev.mirrorseed.registry;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A plain-HTTP registry's connections kept alive between small requests, so each skips a connect. More
 * than a run's requests in flight at once (its workers' images and the verifier's) are closed instead,
 * and so is one idle too long to trust: a registry, or a firewall between, may have dropped it without
 * a word, and a request on it would then wait out its timeout.
 */
final class IdleConnections implements AutoCloseable {
  static final Duration MAX_IDLE_TIME = Duration.ofSeconds(30);
  private static final int MAX_IDLE = 16;

  private record Idle(PlainConnection connection, long sinceNanos) {}

  private final Duration maxIdleTime;
  private final Deque<Idle> idle = new ArrayDeque<>();
  private boolean closed;

  IdleConnections(Duration maxIdleTime) {
    this.maxIdleTime = maxIdleTime;
  }

  /** The connection idle for the shortest time, if it has not been idle too long; else null. */
  PlainConnection take() {
    while (true) {
      Idle newest;
      synchronized (this) {
        newest = idle.pollLast();
      }
      if (newest == null) {
        return null;
      }
      if (System.nanoTime() - newest.sinceNanos() < maxIdleTime.toNanos()) {
        return newest.connection();
      }
      closeQuietly(newest.connection());
    }
  }

  void keep(PlainConnection connection) {
    synchronized (this) {
      if (!closed && idle.size() < MAX_IDLE) {
        idle.addLast(new Idle(connection, System.nanoTime()));
        return;
      }
    }
    closeQuietly(connection);
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    for (PlainConnection connection; (connection = take()) != null; ) {
      closeQuietly(connection);
    }
  }

  private static void closeQuietly(PlainConnection connection) {
    try {
      connection.close();
    } catch (IOException e) {
      // An idle connection has nothing in flight to lose.
    }
  }
}
