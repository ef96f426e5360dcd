package dev.mirrorseed.events;

import java.time.Instant;

/**
 * A worker gave up on an image, or the producer found it unreadable in the bundle (then
 * {@code workerId} is {@link #PRODUCER}); {@code message} is the one line a person needs to fix it.
 */
public record ImageFailed(
    String runId,
    Instant at,
    ImageSpec image,
    ErrorCode errorCode,
    String message,
    int attempts,
    long durationMillis,
    String workerId,
    Writer writer)
    implements PushResult {
  /** The {@code workerId} of failures the producer reports for images it could not read. */
  public static final String PRODUCER = "producer";
}
