package dev.mirrorseed.bundle;

import java.nio.file.Path;

/**
 * One tar stream of a bundle: the bundle file itself, or an archive nested in it (one per image, as
 * bmctl ships them). What is wrong inside a nested archive breaks only its images.
 *
 * @param path the nested archive's entry path in the bundle, {@code ""} for the bundle itself
 * @param label how messages name it: the bundle file, or {@code 'images/etcd.tar.xz' in <bundle file>}
 */
record Archive(String path, String label) {
  static Archive bundle(Path file) {
    return new Archive("", file.toString());
  }

  Archive nested(String entryPath) {
    return new Archive(entryPath, "'" + entryPath + "' in " + label);
  }

  boolean isBundle() {
    return path.isEmpty();
  }

  /** "the bundle" or "the archive", for messages that refuse it. */
  String noun() {
    return isBundle() ? "the bundle" : "the archive";
  }
}
