package dev.mirrorseed.verify;

import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.events.Mismatch;
import dev.mirrorseed.events.Mismatch.Kind;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.registry.FetchedBlob;
import dev.mirrorseed.registry.FetchedManifest;
import dev.mirrorseed.registry.RegistryClient;
import dev.mirrorseed.registry.RegistryException;
import dev.mirrorseed.registry.SideBySide;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * Checks on the registry, not on what a worker claimed, that an image is there as the bundle holds it:
 * every tag resolves to manifest bytes whose sha256 is the bundle's digest (and the registry's
 * {@code Docker-Content-Digest} agrees), every child of an index does too, and every blob of every
 * child answers HEAD with its exact size; at {@link Depth#CONTENT} every blob's bytes also hash to its
 * digest. Each difference is a {@link Mismatch}.
 */
public final class ImageVerifier {
  private final RegistryClient registry;
  private final RegistryReads reads;
  private final Depth depth;

  public ImageVerifier(RegistryClient registry) {
    this(registry, RegistryReads.DIRECT, Depth.SIZES);
  }

  /** A verifier making each registry read through {@code reads} (e.g. with retries). */
  public ImageVerifier(RegistryClient registry, RegistryReads reads, Depth depth) {
    this.registry = registry;
    this.reads = reads;
    this.depth = depth;
  }

  public Verdict verify(ImageSpec image) {
    String repository = image.targetRepository();
    // Asked all at once (SideBySide); the mismatches are listed in the order of the checks.
    List<CompletableFuture<Checked>> tags = image.tags().stream()
        .map(tag -> SideBySide.start(() -> checkManifest(repository, tag, image.manifest().digest())))
        .toList();
    List<CompletableFuture<Checked>> checks = new ArrayList<>(tags);
    for (Descriptor child : image.childManifests()) {
      checks.add(SideBySide.start(() -> checkManifest(repository, child.digest().toString(), child.digest())));
    }
    for (Descriptor blob : image.blobs()) {
      checks.add(SideBySide.start(() -> checkBlob(repository, blob)));
    }
    List<Checked> checked = SideBySide.joinAll(checks);
    Digest observed = checked.subList(0, tags.size()).stream().map(Checked::served).filter(Objects::nonNull)
        .findFirst().orElse(null);
    List<Mismatch> mismatches = checked.stream().flatMap(check -> check.mismatches().stream()).toList();
    return new Verdict(observed, mismatches, image.blobs().size());
  }

  /** What one check found: a manifest's digest as served (null when absent, or for a blob), and what differs. */
  private record Checked(Digest served, List<Mismatch> mismatches) {}

  /** The digest of the bytes the reference resolves to (null when it does not resolve), and what differs. */
  private Checked checkManifest(String repository, String reference, Digest expected) {
    List<Mismatch> mismatches = new ArrayList<>();
    boolean byDigest = reference.startsWith(Digest.ALGORITHM + ":");
    String asked = repository + (byDigest ? "@" : ":") + reference;
    FetchedManifest manifest;
    try {
      manifest = reads.read(registry, () -> registry.getManifest(repository, reference));
    } catch (RegistryException e) {
      if (e.statusCode() == 404) {
        mismatches.add(new Mismatch(Kind.MANIFEST_MISSING, asked, expected.toString(), null));
        return new Checked(null, mismatches);
      }
      throw e;
    }
    Digest served = manifest.digest();
    Digest header = manifest.headerDigest();
    if (header != null && !header.equals(served)) {
      mismatches.add(new Mismatch(Kind.HEADER_DIGEST_DISAGREES, asked, header.toString(), served.toString()));
    }
    // A registry naming the right digest over other bytes has corrupt storage, which the header
    // mismatch says; the reference itself does point where it should.
    if (!served.equals(expected) && !expected.equals(header)) {
      mismatches.add(new Mismatch(byDigest ? Kind.MANIFEST_CONTENT_DIFFERS : Kind.TAG_POINTS_ELSEWHERE, asked,
          expected.toString(), served.toString()));
    }
    return new Checked(served, mismatches);
  }

  private Checked checkBlob(String repository, Descriptor blob) {
    String asked = repository + "@" + blob.digest();
    OptionalLong size = reads.read(registry, () -> registry.blobSize(repository, blob.digest()));
    if (size.isEmpty()) {
      return differs(new Mismatch(Kind.BLOB_MISSING, asked, blob.digest().toString(), null));
    }
    if (size.getAsLong() != blob.size()) {
      return differs(new Mismatch(Kind.BLOB_WRONG_SIZE, asked, Long.toString(blob.size()),
          Long.toString(size.getAsLong())));
    }
    if (depth == Depth.CONTENT) {
      Optional<FetchedBlob> fetched = reads.read(registry, () -> registry.fetchBlob(repository, blob));
      if (fetched.isEmpty()) {
        return differs(new Mismatch(Kind.BLOB_MISSING, asked, blob.digest().toString(), null));
      } else if (!fetched.get().digest().equals(blob.digest())) {
        return differs(new Mismatch(Kind.BLOB_CONTENT_DIFFERS, asked, blob.digest().toString(),
            fetched.get().digest().toString()));
      }
    }
    return new Checked(null, List.of());
  }

  private static Checked differs(Mismatch mismatch) {
    return new Checked(null, List.of(mismatch));
  }
}
