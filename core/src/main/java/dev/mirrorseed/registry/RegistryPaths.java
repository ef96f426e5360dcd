package dev.mirrorseed.registry;

import dev.mirrorseed.oci.Digest;
import java.net.URI;
import java.util.regex.Pattern;

/**
 * The distribution API's URLs for one registry. Names are checked against the OCI grammar here, so a
 * bad name is an {@link IllegalArgumentException} naming it rather than a confusing 404 or a URI error;
 * valid names need no escaping, and the '/' in a repository path must stay a '/'.
 */
final class RegistryPaths {
  private static final Pattern REPOSITORY =
      Pattern.compile("[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

  private final URI base;

  RegistryPaths(RegistryEndpoint endpoint) {
    this.base = endpoint.baseUri();
  }

  URI root() {
    return base.resolve("/v2/");
  }

  URI blob(String repository, Digest digest) {
    return base.resolve("/v2/" + checkRepository(repository) + "/blobs/" + digest);
  }

  URI uploads(String repository) {
    return base.resolve("/v2/" + checkRepository(repository) + "/blobs/uploads/");
  }

  /**
   * A mount request: link blob {@code digest} from {@code fromRepository}. Both names pass the grammar
   * check, so they and the digest need no escaping in the query ('/' and ':' are legal there).
   */
  URI mount(String repository, Digest digest, String fromRepository) {
    return URI.create(uploads(repository) + "?mount=" + digest + "&from=" + checkRepository(fromRepository));
  }

  /** {@code reference} is a tag or a {@code sha256:...} digest. */
  URI manifest(String repository, String reference) {
    return base.resolve("/v2/" + checkRepository(repository) + "/manifests/" + checkReference(reference));
  }

  private static String checkRepository(String repository) {
    if (repository == null || !REPOSITORY.matcher(repository).matches()) {
      throw new IllegalArgumentException("'" + repository + "' is not a valid repository name"
          + " (lowercase letters, digits and separators '.', '_', '-', path parts joined by '/')");
    }
    return repository;
  }

  private static String checkReference(String reference) {
    if (reference != null && TAG.matcher(reference).matches()) {
      return reference;
    }
    try {
      return Digest.parse(reference).toString();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'" + reference + "' is neither a tag (up to 128 of [A-Za-z0-9_.-]) nor a sha256 digest");
    }
  }
}
