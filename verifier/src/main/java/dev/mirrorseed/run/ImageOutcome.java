package dev.mirrorseed.run;

import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.events.Mismatch;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.verify.Verdict;
import java.util.List;

/**
 * One image's line in a run's summary and report: {@code problems} in words, and {@code mismatches},
 * what differs on the registry, as data (empty for an image that failed before it could be checked).
 */
public record ImageOutcome(
    String sourceRef,
    String targetRef,
    Digest expectedDigest,
    Digest observedDigest,
    Status status,
    long bytesUploaded,
    List<String> problems,
    List<Mismatch> mismatches) {

  public enum Status { VERIFIED, FAILED }

  public ImageOutcome {
    problems = List.copyOf(problems);
    mismatches = List.copyOf(mismatches);
  }

  /** The image as the registry showed it to the verifier. */
  public static ImageOutcome of(ImageSpec image, Verdict verdict, long bytesUploaded) {
    return new ImageOutcome(image.sourceRef(), image.targetRef(), image.expectedDigest(), verdict.observedDigest(),
        verdict.verified() ? Status.VERIFIED : Status.FAILED, bytesUploaded, verdict.problems(),
        verdict.mismatches());
  }

  /** An image that never reached the registry: unreadable in the bundle, or its push failed. */
  public static ImageOutcome failedBefore(ImageSpec image, String problem) {
    return new ImageOutcome(image.sourceRef(), image.targetRef(), image.expectedDigest(), null, Status.FAILED, 0,
        List.of(problem), List.of());
  }
}
