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
}
