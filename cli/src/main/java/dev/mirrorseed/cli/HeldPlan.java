package dev.mirrorseed.cli;

import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.plan.BrokenImage;
import dev.mirrorseed.plan.PlanListener;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Lets the bundle be read while Kafka is still starting: images found before the run can be published
 * are held and handed on when it can, the largest first. If Kafka fails to come up, the next image
 * stops the reading with that failure instead of reading gigabytes for nothing.
 *
 * <p>Largest first because a run lasts at least as long as its largest image takes alone: started
 * last, it would upload on its own at the end while the other workers idle. Within a run the order
 * changes nothing else: no two images claim the same tag with different digests (the planner refuses).
 */
final class HeldPlan implements PlanListener {
  private static final Comparator<ImageSpec> LARGEST_FIRST =
      Comparator.comparingLong(HeldPlan::bytes).reversed();

  private final List<ImageSpec> heldReady = new ArrayList<>();
  private final List<BrokenImage> heldBroken = new ArrayList<>();
  private PlanListener target;
  private RuntimeException failure;

  @Override
  public synchronized void imageReady(ImageSpec image) {
    failIfFailed();
    if (target == null) {
      heldReady.add(image);
    } else {
      target.imageReady(image);
    }
  }

  @Override
  public synchronized void imageBroken(BrokenImage image) {
    failIfFailed();
    if (target == null) {
      heldBroken.add(image);
    } else {
      target.imageBroken(image);
    }
  }

  /** From now on images go to {@code listener}, the held ones first. */
  synchronized void release(PlanListener listener) {
    heldBroken.forEach(listener::imageBroken);
    // A stable sort: images of the same size keep the bundle's order.
    heldReady.stream().sorted(LARGEST_FIRST).forEach(listener::imageReady);
    heldBroken.clear();
    heldReady.clear();
    target = listener;
  }

  /** The run can never be published: reading should stop. */
  synchronized void fail(RuntimeException cause) {
    failure = cause;
  }

  private void failIfFailed() {
    if (failure != null) {
      throw failure;
    }
  }

  private static long bytes(ImageSpec image) {
    return image.blobs().stream().mapToLong(Descriptor::size).sum();
  }
}
