package dev.mirrorseed.bundle;

/**
 * An archive that cannot be read on: truncated, corrupt, or holding a hostile entry. For the bundle
 * itself that ends the run; for an archive nested in it, only that archive's images are broken.
 */
final class ArchiveDamagedException extends BundleException {
  private final Archive archive;

  ArchiveDamagedException(Archive archive, String message) {
    super(message);
    this.archive = archive;
  }

  ArchiveDamagedException(Archive archive, String message, Throwable cause) {
    super(message, cause);
    this.archive = archive;
  }

  Archive archive() {
    return archive;
  }
}
