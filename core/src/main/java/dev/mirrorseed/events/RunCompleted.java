package dev.mirrorseed.events;

import java.time.Instant;

/** Every planned image of a run has a verdict. */
public record RunCompleted(
    String runId, Instant at, int images, int pushed, int verified, int failed, Writer writer)
    implements MirrorEvent {}
