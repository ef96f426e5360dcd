package dev.mirrorseed.bundle;

/**
 * Where in a bundle images were listed: the archive (the bundle itself, or an archive nested in it)
 * and the directory in it that holds the OCI layout or docker-save archive.
 *
 * @param archive the nested archive's entry path in the bundle, {@code ""} for the bundle itself
 * @param directory the directory inside that archive, {@code ""} for its root
 */
public record Origin(String archive, String directory) {
  /** The root of the bundle itself. */
  public static final Origin ROOT = new Origin("", "");

  /**
   * The path that names the images when their listing gives only a tag: the nested archive's entry
   * path, or else the directory; {@code ""} for a layout at the root of the bundle itself.
   */
  public String namePath() {
    return archive.isEmpty() ? directory : archive;
  }

  /** The listing file as a bundle entry path, e.g. {@code images/etcd.tar.xz}, {@code x/index.json}. */
  public String entry(String fileName) {
    String inArchive = directory.isEmpty() ? fileName : directory + "/" + fileName;
    return archive.isEmpty() ? inArchive : archive + (directory.isEmpty() ? "" : ":" + directory);
  }
}
