package dev.mirrorseed.reference;

import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where a mirror lives, as bmctl's {@code --private-registry HOST:PORT[/NAMESPACE]} names it, and how
 * a source image maps into it the way containerd resolves mirrors: the source registry host is
 * dropped, the repository path kept, under the namespace if there is one.
 */
public record MirrorTarget(String registry, String namespace) {
  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.-]+(:[0-9]{1,5})?|\\[[0-9a-fA-F:]+](:[0-9]{1,5})?");
  private static final Set<String> DOCKER_HUB =
      Set.of("docker.io", "index.docker.io", "registry-1.docker.io");
  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*");

  public MirrorTarget {
    if (registry == null || !HOST_PORT.matcher(registry).matches()) {
      throw new IllegalArgumentException(
          "--private-registry must be HOST:PORT[/NAMESPACE], got host '" + registry + "'");
    }
    namespace = namespace == null ? "" : namespace;
    if (!namespace.isEmpty() && !NAMESPACE.matcher(namespace).matches()) {
      throw new IllegalArgumentException(
          "--private-registry namespace '" + namespace + "' is not a valid repository path"
              + " (lowercase letters, digits, '.', '_', '-', separated by '/')");
    }
  }

  /** Parses {@code HOST:PORT[/NAMESPACE]}; a leading {@code http(s)://} and a trailing {@code /} are tolerated. */
  public static MirrorTarget parse(String text) {
    String rest = text.strip().replaceFirst("^https?://", "").replaceAll("/+$", "");
    int slash = rest.indexOf('/');
    return slash < 0
        ? new MirrorTarget(rest, "")
        : new MirrorTarget(rest.substring(0, slash), rest.substring(slash + 1));
  }

  /** The repository (without registry host) a source image lands in. */
  public String repositoryFor(String sourceReference) {
    ImageReference source = parseSource(sourceReference);
    String path = source.getRepository();
    // Docker Hub's official images live under library/, which containerd adds and jib does not
    // when the reference names docker.io explicitly.
    if (DOCKER_HUB.contains(source.getRegistry()) && !path.contains("/")) {
      path = "library/" + path;
    }
    return namespace.isEmpty() ? path : namespace + "/" + path;
  }

  /** The tag of a source reference, or {@code latest} when it names none. */
  public static String tagOf(String sourceReference) {
    return parseSource(sourceReference).getTag().orElse("latest");
  }

  /** Checks that a text is a full image reference with a tag, e.g. {@code gcr.io/a/b:1}. */
  public static ImageReference parseSource(String sourceReference) {
    try {
      return ImageReference.parse(sourceReference);
    } catch (InvalidImageReferenceException e) {
      throw new IllegalArgumentException("not an image reference: '" + sourceReference + "'");
    }
  }

  @Override
  public String toString() {
    return namespace.isEmpty() ? registry : registry + "/" + namespace;
  }
}
