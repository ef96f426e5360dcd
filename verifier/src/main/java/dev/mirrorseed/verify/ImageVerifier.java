package dev.mirrorseed.verify;

import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.registry.FetchedManifest;
import dev.mirrorseed.registry.RegistryClient;
import dev.mirrorseed.registry.RegistryException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Checks on the registry, not on what a worker claimed, that an image is there as the bundle holds it:
 * every tag resolves to manifest bytes whose sha256 is the bundle's digest (and the registry's
 * {@code Docker-Content-Digest} agrees), every child of an index does too, and every blob answers HEAD
 * with its exact size.
 */
public final class ImageVerifier {
  private final RegistryClient registry;
  private final RegistryReads reads;

  public ImageVerifier(RegistryClient registry) {
    this(registry, RegistryReads.DIRECT);
  }

  /** A verifier making each registry read through {@code reads} (e.g. with retries). */
  public ImageVerifier(RegistryClient registry, RegistryReads reads) {
    this.registry = registry;
    this.reads = reads;
  }

  public Verdict verify(ImageSpec image) {
    List<String> problems = new ArrayList<>();
    String repository = image.targetRepository();
    Digest observed = null;
    for (String tag : image.tags()) {
      Digest tagDigest = checkManifest(repository, tag, image.manifest().digest(), problems);
      observed = observed == null ? tagDigest : observed;
    }
    for (Descriptor child : image.childManifests()) {
      checkManifest(repository, child.digest().toString(), child.digest(), problems);
    }
    int checked = 0;
    for (Descriptor blob : image.blobs()) {
      checked++;
      OptionalLong size = reads.read(registry, () -> registry.blobSize(repository, blob.digest()));
      if (size.isEmpty()) {
        problems.add("blob " + blob.digest() + " is missing from " + repository);
      } else if (size.getAsLong() != blob.size()) {
        problems.add("blob " + blob.digest() + " has size " + size.getAsLong()
            + " on the registry, " + blob.size() + " in the bundle");
      }
    }
    return new Verdict(observed, problems, checked);
  }

  /** Returns the digest the reference resolves to, or null when it does not resolve. */
  private Digest checkManifest(String repository, String reference, Digest expected, List<String> problems) {
    String ref = repository + (reference.startsWith("sha256:") ? "@" : ":") + reference;
    FetchedManifest manifest;
    try {
      manifest = reads.read(registry, () -> registry.getManifest(repository, reference));
    } catch (RegistryException e) {
      if (e.statusCode() == 404) {
        problems.add(ref + " is not on the registry");
        return null;
      }
      throw e;
    }
    Digest actual = manifest.digest();
    if (!actual.equals(expected)) {
      problems.add(ref + " resolves to " + actual + ", expected " + expected);
    }
    if (manifest.headerDigest() != null && !manifest.headerDigest().equals(actual)) {
      problems.add(ref + ": registry says Docker-Content-Digest " + manifest.headerDigest()
          + " but the bytes it served hash to " + actual);
    }
    return actual;
  }
}
