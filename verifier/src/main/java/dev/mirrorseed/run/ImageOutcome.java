package dev.mirrorseed.run;

import dev.mirrorseed.events.ImageFailed;
import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.oci.Digest;
import java.util.List;

/** One image's line in a run's summary and report; {@code push} says how its push went. */
public record ImageOutcome(
    String sourceRef,
    String targetRef,
    Digest expectedDigest,
    Digest observedDigest,
    Status status,
    long bytesUploaded,
    List<String> problems,
    PushDetails push) {

  public enum Status {
    VERIFIED,
    FAILED,
    /** Pushed, and no verdict yet: only a report rebuilt from the topics of a run still being verified. */
    PUSHED
  }

  public ImageOutcome {
    problems = List.copyOf(problems);
  }

  /** A push that failed, or an image the producer could not read: failed with no need to look at the mirror. */
  public static ImageOutcome failedPush(ImageFailed failed) {
    ImageSpec image = failed.image();
    List<String> problems = List.of(failed.workerId().equals(ImageFailed.PRODUCER)
        ? "unreadable in the bundle: " + failed.message()
        : "push failed: " + failed.message());
    return new ImageOutcome(image.sourceRef(), image.targetRef(), image.expectedDigest(), null, Status.FAILED, 0,
        problems, PushDetails.of(failed));
  }
}
