package dev.mirrorseed.events;

/** What a worker says about one {@link PushRequest}: it was pushed, or it failed. */
public sealed interface PushResult extends MirrorEvent permits ImagePushed, ImageFailed {
  ImageSpec image();

  int attempts();

  String workerId();
}
