package dev.mirrorseed.events;

import dev.mirrorseed.oci.Digest;
import java.time.Instant;

/** An image is on the registry: {@code pushedDigest} is what the registry answered for the manifest. */
public record ImagePushed(
    String runId,
    Instant at,
    ImageSpec image,
    Digest pushedDigest,
    int blobsUploaded,
    int blobsSkipped,
    int blobsMounted,
    long bytesUploaded,
    int attempts,
    long durationMillis,
    String workerId,
    Writer writer)
    implements PushResult {}
