package dev.mirrorseed.registry;

import dev.mirrorseed.oci.Digest;

/**
 * What a registry served for a blob, as it arrived: the sha256 of its bytes and how many there were.
 * The bytes themselves are not kept; a verifier compares {@code digest} with the digest it asked for,
 * which a registry serving corrupt storage still names in its answer.
 */
public record FetchedBlob(Digest digest, long size) {}
