package dev.mirrorseed.plan;

import dev.mirrorseed.oci.Digest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which image each target tag was given to, bundle-wide. A tag is the first listed image's: one listed
 * later with the same digest adds nothing, one with another digest is refused, naming both.
 */
final class TagLedger {
  private record Claim(Digest digest, String sourceRef) {}

  private final Map<String, Claim> claims = new HashMap<>();

  /** Why {@code tags} cannot go to this image, or null when none is another image's. */
  String conflict(String repository, List<String> tags, Digest digest, String sourceRef) {
    for (String tag : tags) {
      Claim earlier = claims.get(repository + ":" + tag);
      if (earlier != null && !earlier.digest().equals(digest)) {
        String names = earlier.sourceRef().equals(sourceRef)
            ? sourceRef
            : earlier.sourceRef() + " and " + sourceRef + " (both mirrored as " + repository + ":" + tag + ")";
        return "duplicate tag " + names + " in the bundle with different digests " + earlier.digest() + " and "
            + digest + ": remove one of them from the bundle";
      }
    }
    return null;
  }

  /** Gives this image the tags no image has yet; returns those. */
  List<String> claim(String repository, List<String> tags, Digest digest, String sourceRef) {
    return tags.stream()
        .filter(tag -> claims.putIfAbsent(repository + ":" + tag, new Claim(digest, sourceRef)) == null)
        .toList();
  }
}
