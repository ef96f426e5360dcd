package dev.mirrorseed.work;

import dev.mirrorseed.push.SharedBlobWaits;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many shared blobs one push waits for, sent by a worker elsewhere; {@code changed} runs when it
 * starts or stops waiting, so the poll thread can let another push run meanwhile, or no longer.
 */
final class PushWaits implements SharedBlobWaits {
  private final AtomicInteger blobs = new AtomicInteger();
  private final Runnable changed;

  PushWaits(Runnable changed) {
    this.changed = changed;
  }

  @Override
  public void started() {
    if (blobs.getAndIncrement() == 0) {
      changed.run();
    }
  }

  @Override
  public void ended() {
    if (blobs.decrementAndGet() == 0) {
      changed.run();
    }
  }

  boolean waiting() {
    return blobs.get() > 0;
  }
}
