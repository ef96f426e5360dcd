package dev.mirrorseed.run;

import dev.mirrorseed.events.ImageFailed;
import dev.mirrorseed.events.ImagePushed;
import dev.mirrorseed.events.PushResult;
import dev.mirrorseed.events.Writer;
import java.time.Instant;

/**
 * How an image was pushed, as its result event tells: by which worker of which process, when the push
 * ended ({@code at}) and how long it took, after how many attempts, and what became of its blobs.
 * {@code writer} is null for results written before writers were recorded.
 */
public record PushDetails(
    String workerId,
    Instant at,
    long durationMillis,
    int attempts,
    int blobsUploaded,
    int blobsSkipped,
    int blobsMounted,
    Writer writer) {

  public static PushDetails of(PushResult result) {
    if (result instanceof ImagePushed pushed) {
      return new PushDetails(pushed.workerId(), pushed.at(), pushed.durationMillis(), pushed.attempts(),
          pushed.blobsUploaded(), pushed.blobsSkipped(), pushed.blobsMounted(), pushed.writer());
    }
    ImageFailed failed = (ImageFailed) result;
    return new PushDetails(failed.workerId(), failed.at(), failed.durationMillis(), failed.attempts(), 0, 0, 0,
        failed.writer());
  }

  /** When the push began: its end less its duration. */
  public Instant startedAt() {
    return at.minusMillis(durationMillis);
  }

  /** False for an image the producer could not read: no worker ever tried to push it. */
  public boolean byWorker() {
    return !ImageFailed.PRODUCER.equals(workerId);
  }
}
