package dev.mirrorseed.registry;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A plain-HTTP registry's connections kept alive between small requests, so each skips a connect. More
 * than a run's requests in flight at once (its workers' images and the verifier's) are closed instead.
 */
final class IdleConnections implements AutoCloseable {
  private static final int MAX_IDLE = 16;

  private final Deque<PlainConnection> idle = new ArrayDeque<>();
  private boolean closed;

  /** The connection idle for the shortest time, or null. */
  synchronized PlainConnection take() {
    return idle.pollLast();
  }

  void keep(PlainConnection connection) {
    synchronized (this) {
      if (!closed && idle.size() < MAX_IDLE) {
        idle.addLast(connection);
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
