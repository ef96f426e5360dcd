package dev.mirrorseed.cli;

import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.plan.BrokenImage;
import dev.mirrorseed.plan.PlanListener;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Lets the bundle be read while Kafka is still starting: images found before the run can be published
 * are held, in order, and handed on when it can. If Kafka fails to come up, the next image stops the
 * reading with that failure instead of reading gigabytes for nothing.
 */
final class HeldPlan implements PlanListener {
  private final List<Consumer<PlanListener>> held = new ArrayList<>();
  private PlanListener target;
  private RuntimeException failure;

  @Override
  public synchronized void imageReady(ImageSpec image) {
    deliver(listener -> listener.imageReady(image));
  }

  @Override
  public synchronized void imageBroken(BrokenImage image) {
    deliver(listener -> listener.imageBroken(image));
  }

  /** From now on images go to {@code listener}, the held ones first. */
  synchronized void release(PlanListener listener) {
    held.forEach(event -> event.accept(listener));
    held.clear();
    target = listener;
  }

  /** The run can never be published: reading should stop. */
  synchronized void fail(RuntimeException cause) {
    failure = cause;
  }

  private void deliver(Consumer<PlanListener> event) {
    if (failure != null) {
      throw failure;
    }
    if (target == null) {
      held.add(event);
    } else {
      event.accept(target);
    }
  }
}
