package dev.mirrorseed.events;

import dev.mirrorseed.oci.Digest;
import java.time.Instant;
import java.util.List;

/**
 * The registry does not serve the image as the bundle holds it. {@code observedDigest} is null when the
 * tag did not resolve at all. {@code mismatches} says exactly what differs on the registry, as data
 * (empty when the image never got that far: a push failure, an image unreadable in the bundle);
 * {@code problems} says it in words, one line each, the push failure included. Records written before
 * {@code mismatches} existed read with it empty.
 */
public record VerificationFailed(
    String runId,
    Instant at,
    ImageSpec image,
    Digest observedDigest,
    List<String> problems,
    List<Mismatch> mismatches,
    long bytesUploaded,
    Writer writer)
    implements MirrorEvent {
  public VerificationFailed {
    problems = List.copyOf(problems);
    mismatches = mismatches == null ? List.of() : List.copyOf(mismatches);
  }
}
