package dev.mirrorseed.bundle;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An archive entry's name, checked and classified. Names are only compared and looked up, never used
 * as file system paths; still, a name that would climb out of the directory it is unpacked into
 * marks the archive as hostile, and such an archive is refused rather than half read.
 *
 * <p>An OCI layout or docker-save archive may sit at any directory of an archive: {@code index.json},
 * {@code oci-layout}, {@code manifest.json} and {@code blobs/sha256/<hex>} say where.
 *
 * @param path the name without leading {@code ./} or trailing {@code /}, elements separated by {@code /}
 * @param directory the directory the entry's layout or docker-save archive sits in, {@code ""} at the root
 * @param blobHex the sha256 hex a {@link Kind#BLOB} is named by, else null
 */
record EntryName(String path, Kind kind, String directory, String blobHex) {
  enum Kind { INDEX, OCI_LAYOUT, DOCKER_MANIFEST, BLOB, OTHER }

  private static final Pattern BLOB = Pattern.compile("(?:(.*)/)?blobs/sha256/([0-9a-f]{64})");
  private static final Pattern ABSOLUTE = Pattern.compile("^(/|\\\\|[A-Za-z]:[/\\\\]).*");
  /**
   * Files docker save (and skopeo's and crane's docker-archive) write for a manifest.json to point
   * at: {@code <id>/layer.tar}, {@code <hex>.json}, {@code <hex>.tar}, {@code <hex>.tar.gz},
   * {@code sha256:<hex>}. They are staged before manifest.json, which comes last, is read.
   */
  private static final Pattern DOCKER_FILE = Pattern.compile("layer\\.tar|(sha256[:_-])?[0-9a-f]{64}(\\..*)?");

  /**
   * Checks and classifies a raw entry name.
   *
   * @throws ArchiveDamagedException for an absolute name or one with a {@code ..} element
   */
  static EntryName of(String rawName, Archive archive) {
    if (ABSOLUTE.matcher(rawName).matches()) {
      throw new ArchiveDamagedException(archive, "tar entry '" + rawName + "' in " + archive.label()
          + " has an absolute path: refusing " + archive.noun() + "; re-create it with relative paths");
    }
    for (String element : rawName.split("[/\\\\]")) {
      if (element.equals("..")) {
        throw new ArchiveDamagedException(archive, "tar entry '" + rawName + "' in " + archive.label()
            + " points outside the archive with '..': refusing " + archive.noun() + "; re-create it from clean files");
      }
    }
    String path = normalize(rawName, "");
    int slash = path.lastIndexOf('/');
    String parent = slash < 0 ? "" : path.substring(0, slash);
    String fileName = path.substring(slash + 1);
    Matcher blob = BLOB.matcher(path);
    if (blob.matches()) {
      return new EntryName(path, Kind.BLOB, blob.group(1) == null ? "" : blob.group(1), blob.group(2));
    }
    Kind kind = switch (fileName) {
      case "index.json" -> Kind.INDEX;
      case "oci-layout" -> Kind.OCI_LAYOUT;
      case "manifest.json" -> Kind.DOCKER_MANIFEST;
      default -> Kind.OTHER;
    };
    return new EntryName(path, kind, parent, null);
  }

  /** Whether the entry is named the way docker-save archives name their layers and configs. */
  boolean looksLikeDockerFile() {
    return DOCKER_FILE.matcher(path.substring(path.lastIndexOf('/') + 1)).matches();
  }

  /**
   * Where a link entry points, as a path of the same archive; null when that is outside the archive.
   * A symbolic link is relative to its own directory, a hard link to the archive's root.
   */
  String linkTarget(String linkName, boolean symbolic) {
    if (linkName == null || linkName.isEmpty() || ABSOLUTE.matcher(linkName).matches()) {
      return null;
    }
    int slash = path.lastIndexOf('/');
    return normalize(linkName, symbolic && slash >= 0 ? path.substring(0, slash) : "");
  }

  /** {@code relative} resolved against {@code base} (both in this archive); null when it leaves the archive. */
  static String resolve(String base, String relative) {
    return ABSOLUTE.matcher(relative).matches() ? null : normalize(relative, base);
  }

  private static String normalize(String name, String base) {
    Deque<String> elements = new ArrayDeque<>();
    for (String element : (base + "/" + name).split("[/\\\\]")) {
      if (element.equals("..")) {
        if (elements.pollLast() == null) {
          return null;
        }
      } else if (!element.isEmpty() && !element.equals(".")) {
        elements.addLast(element);
      }
    }
    return String.join("/", elements);
  }
}
