package dev.mirrorseed.push;

import dev.mirrorseed.oci.Digest;

/**
 * What pushing one image did: blobs uploaded, found already there, or mounted from another repository
 * of the registry; the blob bytes its uploads sent; and what the registry answered.
 */
public record PushOutcome(
    Digest pushedDigest, int blobsUploaded, int blobsSkipped, int blobsMounted, long bytesUploaded, int attempts) {}
