package dev.mirrorseed.plan;

import java.nio.file.Path;

/**
 * What reading a bundle found.
 *
 * @param source the bundle as the user named it
 * @param bundleDigest {@code sha256:<hex>} of the bundle archive as read, or of index.json for a directory
 * @param staging the OCI layout directory workers read blobs from
 * @param images ready and broken images together
 * @param broken images that cannot be pushed
 * @param uniqueBlobs configs and layers of the ready images, each counted once
 * @param uniqueBytes their bytes
 * @param blobsUnchanged blob files of a layout directory not hashed again: unchanged since an earlier read
 */
public record BundleSummary(String source, String bundleDigest, Path staging, int images, int broken,
    int uniqueBlobs, long uniqueBytes, int blobsUnchanged) {}
