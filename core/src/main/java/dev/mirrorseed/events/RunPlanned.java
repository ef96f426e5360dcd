package dev.mirrorseed.events;

import java.time.Instant;

/**
 * The producer's plan for a run: the verifier knows the run is complete once it has seen a result for
 * each of {@code images} images. {@code bundleDigest} is the sha256 of the bundle archive as read (of
 * {@code index.json} for a layout directory).
 */
public record RunPlanned(
    String runId,
    Instant at,
    String source,
    String bundleDigest,
    String target,
    int images,
    int uniqueBlobs,
    long bytes,
    Writer writer)
    implements MirrorEvent {}
