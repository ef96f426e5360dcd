package dev.mirrorseed.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns SIGTERM and SIGINT into a request to stop, for the commands that run as services. A shutdown
 * hook could not do it: by the time it runs, the JVM is going down with status 143, while a service
 * that finished or handed back its work should say so with 0, as container runtimes expect.
 */
final class StopSignals implements AutoCloseable {
  private static final List<String> NAMES = List.of("TERM", "INT");

  private final CountDownLatch requested = new CountDownLatch(1);
  private final List<Runnable> restore = new ArrayList<>();

  private StopSignals() {}

  /** Until {@link #close}, SIGTERM and SIGINT ask to stop; a second one stops the process at once. */
  static StopSignals install() {
    StopSignals signals = new StopSignals();
    for (String name : NAMES) {
      Signal signal = new Signal(name);
      try {
        SignalHandler previous = Signal.handle(signal, signals::received);
        signals.restore.add(() -> Signal.handle(signal, previous));
      } catch (IllegalArgumentException e) {
        // The JVM keeps this signal to itself (-Xrs): it then stops the process as it always does.
      }
    }
    return signals;
  }

  private void received(Signal signal) {
    if (requested()) {
      // Asked twice: the person at the terminal does not want to wait for the grace.
      System.exit(128 + signal.getNumber());
    }
    requested.countDown();
  }

  boolean requested() {
    return requested.getCount() == 0;
  }

  /** Waits up to {@code millis} for a stop request; true once there is one. */
  boolean await(long millis) throws InterruptedException {
    return requested.await(millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    restore.forEach(Runnable::run);
  }
}
