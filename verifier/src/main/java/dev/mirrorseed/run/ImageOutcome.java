package dev.mirrorseed.run;

import dev.mirrorseed.oci.Digest;
import java.util.List;

/** One image's line in a run's summary and report. */
public record ImageOutcome(
    String sourceRef,
    String targetRef,
    Digest expectedDigest,
    Digest observedDigest,
    Status status,
    long bytesUploaded,
    List<String> problems) {

  public enum Status { VERIFIED, FAILED }

  public ImageOutcome {
    problems = List.copyOf(problems);
  }
}
