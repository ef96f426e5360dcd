package dev.mirrorseed.bundle;

import dev.mirrorseed.staging.StagingStore;

/**
 * A bundle whose blobs are in a staging store, ready to plan.
 *
 * @param source what the user passed, for messages
 * @param bundleDigest {@code sha256:<hex>} of the archive as read, or of index.json for a directory
 * @param indexJson the layout's index.json, exactly as it was in the bundle
 * @param blobsVerified whether every blob was hashed on its way into the store; false for a directory
 *     used in place, whose blobs the planner must hash
 */
public record StagedBundle(
    String source, StagingStore store, String bundleDigest, byte[] indexJson, boolean blobsVerified) {}
