package dev.mirrorseed.plan;

import dev.mirrorseed.bundle.ListedImage;
import dev.mirrorseed.bundle.Origin;
import dev.mirrorseed.reference.MirrorTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The names an image is mirrored under. The first rule that gives a name wins:
 *
 * <ol>
 *   <li>{@code io.containerd.image.name}, when it parses as an image reference: containerd, nerdctl
 *       and Docker 25+ write the full name there.
 *   <li>{@code org.opencontainers.image.ref.name}, when it is a full reference rather than a bare tag:
 *       it contains {@code /}, {@code :} or {@code @} and parses ({@code gcr.io/x/etcd:v1},
 *       {@code nginx:1.25}).
 *   <li>docker-save's RepoTags, every one of them: one image, several tags.
 *   <li>A bare-tag ref.name ({@code v1.2}, which the OCI spec allows and skopeo and Docker 25+ write)
 *       takes its repository from where the layout sits in the bundle: the path of the nested archive
 *       holding it, else of the directory holding it, without an archive extension ({@code .tar},
 *       {@code .tar.gz}, {@code .tgz}, {@code .tar.xz}, {@code .txz}, {@code .tar.zst}, {@code .tzst}).
 *       <ul>
 *         <li>When that path's first element is a registry host (it contains {@code .} or {@code :},
 *             or is {@code localhost}), the path is the source repository and is mirrored as any name
 *             is: {@code gcr.io/foo/kube-proxy.tar} with {@code v1.2} is {@code gcr.io/foo/kube-proxy:v1.2},
 *             pushed to {@code <namespace>/foo/kube-proxy:v1.2}.
 *         <li>Otherwise its last element is the repository, placed right under the mirror's namespace
 *             (no {@code library/} as for Docker Hub names): {@code images/kube-proxy.tar.xz} with
 *             {@code v1.2} is pushed to {@code <namespace>/kube-proxy:v1.2}. It must be a valid
 *             repository name (lowercase letters and digits, separated by {@code .}, {@code _} or
 *             {@code -}).
 *       </ul>
 *   <li>Otherwise the image has no usable name and is broken.
 * </ol>
 *
 * A full name without a tag is tagged {@code latest}.
 */
final class ImageNames {
  /** One name: where the image comes from and where it goes. */
  record Named(String sourceRef, String repository, String tag) {}

  /** The names, or why there is none. */
  record Naming(List<Named> names, String problem) {}

  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern REPOSITORY = Pattern.compile("[a-z0-9]+([._-][a-z0-9]+)*");
  private static final Pattern ARCHIVE_EXTENSION = Pattern.compile("(\\.tar(\\.(gz|xz|zst|zstd))?|\\.tgz|\\.txz|\\.tzst)$");

  private ImageNames() {}

  static Naming of(ListedImage image, Origin origin, MirrorTarget target) {
    if (parses(image.containerdName())) {
      return one(full(image.containerdName(), target));
    }
    String refName = image.refName();
    if (refName != null && !TAG.matcher(refName).matches() && parses(refName)) {
      return one(full(refName, target));
    }
    if (!image.repoTags().isEmpty()) {
      List<Named> names = new ArrayList<>();
      for (String repoTag : image.repoTags()) {
        if (!parses(repoTag)) {
          return new Naming(List.of(), "RepoTag '" + repoTag + "' in " + where(origin, "manifest.json")
              + " is not an image reference: re-save the image under a valid name");
        }
        names.add(full(repoTag, target));
      }
      return new Naming(names, null);
    }
    if (refName != null && TAG.matcher(refName).matches() && !origin.namePath().isEmpty()) {
      return fromPath(origin, refName, target);
    }
    String listed = image.manifest() == null ? "an image" : "entry " + image.manifest().digest();
    return new Naming(List.of(), where(origin, "index.json") + ": " + listed + " has no usable image name ("
        + "io.containerd.image.name=" + image.containerdName() + ", org.opencontainers.image.ref.name=" + refName
        + (refName == null ? "" : ", a bare tag with no archive or directory path to take a repository from")
        + "): annotate it with a full reference such as gcr.io/project/image:tag");
  }

  private static Naming fromPath(Origin origin, String tag, MirrorTarget target) {
    String path = ARCHIVE_EXTENSION.matcher(origin.namePath()).replaceFirst("");
    String[] elements = path.split("/");
    String first = elements[0];
    if (elements.length > 1 && (first.contains(".") || first.contains(":") || first.equals("localhost"))
        && parses(path + ":" + tag)) {
      return one(full(path + ":" + tag, target));
    }
    String repository = elements[elements.length - 1];
    if (!REPOSITORY.matcher(repository).matches()) {
      return new Naming(List.of(), "'" + origin.namePath() + "' names its image only by the tag '" + tag
          + "', and '" + repository + "' is no valid repository name to put it under: rename the archive or"
          + " directory (lowercase letters, digits, '.', '_', '-'), or annotate the image with"
          + " io.containerd.image.name");
    }
    String targetRepository = target.namespace().isEmpty() ? repository : target.namespace() + "/" + repository;
    return one(new Named(repository + ":" + tag, targetRepository, tag));
  }

  private static Named full(String reference, MirrorTarget target) {
    return new Named(reference, target.repositoryFor(reference), MirrorTarget.tagOf(reference));
  }

  private static Naming one(Named named) {
    return new Naming(List.of(named), null);
  }

  private static String where(Origin origin, String listing) {
    return origin.archive().isEmpty() ? origin.entry(listing) : origin.entry(listing) + " (" + listing + ")";
  }

  private static boolean parses(String reference) {
    if (reference == null || reference.isBlank()) {
      return false;
    }
    try {
      MirrorTarget.parseSource(reference);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
