package dev.mirrorseed.run;

import dev.mirrorseed.events.ImageFailed;
import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.events.Mismatch;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.verify.Verdict;
import java.util.List;

/**
 * One image's line in a run's summary and report: {@code problems} in words, {@code mismatches}, what
 * differs on the registry, as data (empty for an image that failed before it could be checked), and
 * {@code push}, how its push went (null when it was not pushed in a run, as for verify --source).
 */
public record ImageOutcome(
    String sourceRef,
    String targetRef,
    Digest expectedDigest,
    Digest observedDigest,
    Status status,
    long bytesUploaded,
    List<String> problems,
    List<Mismatch> mismatches,
    PushDetails push) {

  public enum Status {
    VERIFIED,
    FAILED,
    /** Pushed, and no verdict yet: only a report rebuilt from the topics of a run still being verified. */
    PUSHED
  }

  public ImageOutcome {
    problems = List.copyOf(problems);
    mismatches = List.copyOf(mismatches);
  }

  /** The image as the registry showed it to the verifier; {@code push} null when no push is known. */
  public static ImageOutcome of(ImageSpec image, Verdict verdict, long bytesUploaded, PushDetails push) {
    return new ImageOutcome(image.sourceRef(), image.targetRef(), image.expectedDigest(), verdict.observedDigest(),
        verdict.verified() ? Status.VERIFIED : Status.FAILED, bytesUploaded, verdict.problems(),
        verdict.mismatches(), push);
  }

  /** An image that never reached the registry: unreadable in the bundle, or its push failed. */
  public static ImageOutcome failedBefore(ImageSpec image, String problem) {
    return new ImageOutcome(image.sourceRef(), image.targetRef(), image.expectedDigest(), null, Status.FAILED, 0,
        List.of(problem), List.of(), null);
  }

  /** A push that failed, or an image the producer could not read: failed with no need to look at the mirror. */
  public static ImageOutcome failedPush(ImageFailed failed) {
    ImageSpec image = failed.image();
    List<String> problems = List.of(failed.workerId().equals(ImageFailed.PRODUCER)
        ? "unreadable in the bundle: " + failed.message()
        : "push failed: " + failed.message());
    return new ImageOutcome(image.sourceRef(), image.targetRef(), image.expectedDigest(), null, Status.FAILED, 0,
        problems, List.of(), PushDetails.of(failed));
  }
}
