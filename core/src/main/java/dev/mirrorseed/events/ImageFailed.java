package dev.mirrorseed.events;

import java.time.Instant;

/** A worker gave up on an image; {@code message} is the one line a person needs to fix it. */
public record ImageFailed(
    String runId,
    Instant at,
    ImageSpec image,
    ErrorCode errorCode,
    String message,
    int attempts,
    long durationMillis,
    String workerId)
    implements PushResult {}
