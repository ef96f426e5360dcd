package dev.mirrorseed.bundle;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a tar entry sits in the OCI layout it holds, after the checks that keep a hostile archive
 * harmless. A layout may sit at the top of the tar or under one directory ({@code bundle/index.json}).
 *
 * @param prefix the directory the layout sits under, {@code ""} at the top
 * @param blobHex the sha256 hex a {@link Kind#BLOB} entry is named by, else null
 */
record LayoutEntry(Kind kind, String prefix, String blobHex) {
  enum Kind { OCI_LAYOUT, INDEX, BLOB, OTHER }

  private static final Pattern BLOB = Pattern.compile("blobs/([^/]+)/([^/]+)");
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern ABSOLUTE = Pattern.compile("^(/|\\\\|[A-Za-z]:[/\\\\]).*");

  /**
   * Classifies an entry name.
   *
   * @throws BundleException for an absolute name, a {@code ..} segment, or a blob not named by sha256
   */
  static LayoutEntry of(String entryName, Path tarFile) {
    if (ABSOLUTE.matcher(entryName).matches()) {
      throw new BundleException("tar entry '" + entryName + "' in " + tarFile
          + " has an absolute path: refusing the bundle; re-create it with relative paths");
    }
    for (String segment : entryName.split("[/\\\\]")) {
      if (segment.equals("..")) {
        throw new BundleException("tar entry '" + entryName + "' in " + tarFile
            + " points outside the archive with '..': refusing the bundle; re-create it from a clean layout");
      }
    }
    String name = entryName.replaceFirst("^(\\./)+", "").replaceFirst("/+$", "");
    LayoutEntry atTop = classify(name, "", entryName, tarFile);
    int slash = name.indexOf('/');
    if (atTop.kind() != Kind.OTHER || slash < 0) {
      return atTop;
    }
    return classify(name.substring(slash + 1), name.substring(0, slash), entryName, tarFile);
  }

  private static LayoutEntry classify(String rest, String prefix, String entryName, Path tarFile) {
    if (rest.equals("oci-layout")) {
      return new LayoutEntry(Kind.OCI_LAYOUT, prefix, null);
    }
    if (rest.equals("index.json")) {
      return new LayoutEntry(Kind.INDEX, prefix, null);
    }
    Matcher blob = BLOB.matcher(rest);
    if (!blob.matches()) {
      return new LayoutEntry(Kind.OTHER, prefix, null);
    }
    if (!blob.group(1).equals("sha256")) {
      throw new BundleException("tar entry '" + entryName + "' in " + tarFile + " is a " + blob.group(1)
          + " blob: only sha256 is supported; re-create the bundle with sha256 digests");
    }
    if (!SHA256_HEX.matcher(blob.group(2)).matches()) {
      throw new BundleException("tar entry '" + entryName + "' in " + tarFile
          + " is not named by a sha256 digest: the bundle is damaged; re-create it");
    }
    return new LayoutEntry(Kind.BLOB, prefix, blob.group(2));
  }
}
