package dev.mirrorseed.events;

import java.time.Instant;

/**
 * Asks a worker to push one image. {@code staging} is the OCI image layout directory holding its blobs
 * ({@code blobs/sha256/<hex>}), a path every worker can read.
 */
public record PushRequest(String runId, Instant at, ImageSpec image, String staging, Writer writer)
    implements MirrorEvent {}
