package dev.mirrorseed.events;

import dev.mirrorseed.oci.Digest;
import java.time.Instant;
import java.util.List;

/**
 * The registry does not serve the image as the bundle holds it. {@code observedDigest} is null when the
 * tag did not resolve at all; {@code problems} lists each mismatch in words (missing blob, wrong size,
 * or the push failure that came before).
 */
public record VerificationFailed(
    String runId,
    Instant at,
    ImageSpec image,
    Digest observedDigest,
    List<String> problems,
    long bytesUploaded,
    Writer writer)
    implements MirrorEvent {
  public VerificationFailed {
    problems = List.copyOf(problems);
  }
}
