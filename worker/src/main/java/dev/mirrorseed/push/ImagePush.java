package dev.mirrorseed.push;

import dev.mirrorseed.events.PushRequest;

/**
 * Pushes one image and says what it did. {@link ImagePusher} is the one that talks to a registry; the
 * worker loop needs no more than this, so its delivery can be tested on pushes that take as long, or
 * fail as often, as a test needs.
 */
@FunctionalInterface
public interface ImagePush {
  PushOutcome push(PushRequest request);

  /**
   * As {@link #push(PushRequest)}, telling {@code waits} while the push waits for a shared blob that a
   * worker elsewhere is sending. A push that never waits so ignores it.
   */
  default PushOutcome push(PushRequest request, SharedBlobWaits waits) {
    return push(request);
  }
}
