package dev.mirrorseed.oci;

import java.util.List;
import java.util.Set;

/** Every media type mirrorseed treats specially; anything else is carried through untouched. */
public final class MediaTypes {
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
  public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
  public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_SCHEMA1_MANIFEST =
      "application/vnd.docker.distribution.manifest.v1+json";
  public static final String DOCKER_SCHEMA1_SIGNED_MANIFEST =
      "application/vnd.docker.distribution.manifest.v1+prettyjws";

  private static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_MANIFEST_LIST);
  private static final Set<String> IMAGE_MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);

  /**
   * What a client sends in {@code Accept} to get any manifest back exactly as it was pushed: a registry
   * answers 404 for a stored type it was not told is accepted, or converts it. Schema 1 is never pushed,
   * but a tag moved to such a manifest must read as moved, not as missing.
   */
  public static final List<String> ACCEPTED_MANIFESTS = List.of(OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST,
      DOCKER_MANIFEST, DOCKER_SCHEMA1_SIGNED_MANIFEST, DOCKER_SCHEMA1_MANIFEST);

  private MediaTypes() {}

  public static boolean isIndex(String mediaType) {
    return INDEXES.contains(mediaType);
  }

  public static boolean isImageManifest(String mediaType) {
    return IMAGE_MANIFESTS.contains(mediaType);
  }

  public static boolean isSchema1(String mediaType) {
    return DOCKER_SCHEMA1_MANIFEST.equals(mediaType) || DOCKER_SCHEMA1_SIGNED_MANIFEST.equals(mediaType);
  }

  public static boolean isManifest(String mediaType) {
    return isIndex(mediaType) || isImageManifest(mediaType);
  }
}
