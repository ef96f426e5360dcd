package dev.mirrorseed.events;

import dev.mirrorseed.oci.Digest;
import java.time.Instant;

/** The registry serves the image exactly as the bundle holds it: every tag, every blob. */
public record ImageVerified(
    String runId, Instant at, ImageSpec image, Digest observedDigest, int blobsChecked, long bytesUploaded,
    Writer writer)
    implements MirrorEvent {}
