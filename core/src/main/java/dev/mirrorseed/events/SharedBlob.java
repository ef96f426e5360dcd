package dev.mirrorseed.events;

import dev.mirrorseed.oci.Digest;

/**
 * A blob of a requested image that an image published before it in the run has too, and the target
 * repository of the first such image: a worker elsewhere may be sending it there right now, and it can
 * be mounted from there once it has landed.
 */
public record SharedBlob(Digest digest, String repository) {}
