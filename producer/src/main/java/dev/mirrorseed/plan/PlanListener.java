package dev.mirrorseed.plan;

import dev.mirrorseed.events.ImageSpec;

/**
 * Receives images as soon as every blob they need is staged and checked. Called on the reading
 * thread, in bundle order.
 */
public interface PlanListener {
  void imageReady(ImageSpec image);

  void imageBroken(BrokenImage image);
}
