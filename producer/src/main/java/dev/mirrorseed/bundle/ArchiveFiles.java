package dev.mirrorseed.bundle;

import dev.mirrorseed.oci.Descriptor;
import java.util.HashMap;
import java.util.Map;

/**
 * The files of one archive a docker-save manifest.json may point at, by entry path: staged ones with
 * their digest, ones over the size limit, and links (docker save links a layer two images share).
 * Links are only looked up here; nothing is ever unpacked, so a link can reach nothing else.
 */
final class ArchiveFiles {
  /** A staged file and what its content starts as (a tar, or a compressed stream). */
  record StagedFile(Descriptor blob, BundleFormat content) {}

  sealed interface Lookup permits Found, TooLarge, Missing {}

  record Found(StagedFile file) implements Lookup {}

  record TooLarge(long size) implements Lookup {}

  record Missing() implements Lookup {}

  /** More hops than any real archive has; a cycle of links must not loop. */
  private static final int LINK_HOPS_MAX = 16;

  private final Map<String, StagedFile> staged = new HashMap<>();
  private final Map<String, Long> tooLarge = new HashMap<>();
  private final Map<String, String> links = new HashMap<>();

  void staged(String path, StagedFile file) {
    staged.put(path, file);
  }

  void tooLarge(String path, long size) {
    tooLarge.put(path, size);
  }

  void link(String path, String target) {
    links.put(path, target);
  }

  Lookup find(String path) {
    String current = path;
    for (int hop = 0; current != null && hop <= LINK_HOPS_MAX; hop++) {
      StagedFile file = staged.get(current);
      if (file != null) {
        return new Found(file);
      }
      Long size = tooLarge.get(current);
      if (size != null) {
        return new TooLarge(size);
      }
      current = links.get(current);
    }
    return new Missing();
  }
}
