package dev.mirrorseed.push;

import dev.mirrorseed.oci.Digest;

/** What pushing one image did: blobs uploaded or found already there, and what the registry answered. */
public record PushOutcome(
    Digest pushedDigest, int blobsUploaded, int blobsSkipped, long bytesUploaded, int attempts) {}
