package dev.mirrorseed.cli;

import java.time.Duration;
import java.util.List;

/**
 * Ends the JVM without a needless 0.3 s wait. On exit HotSpot waits up to 300 ms for every thread blocked
 * in native code, and the JDK's HttpClient (JDK 17 has no {@code close()}) keeps its selector thread in
 * {@code epoll_wait} for as long as the client lives. Interrupting that thread ends it, and with it the
 * client: by now the command is done with every registry.
 */
final class QuickExit {
  private static final String HTTP_CLIENT_SELECTOR = "HttpClient-\\d+-SelectorManager";
  /** A selector thread ends within a millisecond or two of its interrupt; waiting longer gains nothing. */
  private static final Duration ENDS_WITHIN = Duration.ofMillis(100);

  private QuickExit() {}

  static void exit(int status) {
    List<Thread> selectors = Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().matches(HTTP_CLIENT_SELECTOR))
        .toList();
    selectors.forEach(Thread::interrupt);
    long deadline = System.nanoTime() + ENDS_WITHIN.toNanos();
    for (Thread selector : selectors) {
      try {
        selector.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    System.exit(status);
  }
}
