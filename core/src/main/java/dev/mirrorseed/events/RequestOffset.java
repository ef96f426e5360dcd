package dev.mirrorseed.events;

/** Where a {@link PushRequest} sits in the requests topic. */
public record RequestOffset(int partition, long offset) {}
