package dev.mirrorseed.bundle;

import dev.mirrorseed.oci.Digest;

/** What checking a layout blob where it lies found: its size, and why it is refused (null when it is not). */
record InPlaceBlob(Digest digest, long size, String refusal) {}
