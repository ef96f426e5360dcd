package dev.mirrorseed.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorseed.bundle.BundleException;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.reference.MirrorTarget;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One entry of a layout's index.json: the manifest it points at and the name it is tagged with. */
record IndexEntry(Descriptor descriptor, String sourceRef) {
  static final String CONTAINERD_NAME = "io.containerd.image.name";
  static final String REF_NAME = "org.opencontainers.image.ref.name";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every entry of index.json, in order; {@code source} names the bundle in messages. */
  static List<IndexEntry> parseAll(byte[] indexJson, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(indexJson);
    } catch (IOException e) {
      throw new BundleException("index.json of " + source + " is not valid JSON ("
          + e.getMessage().lines().findFirst().orElse("") + "): the bundle is damaged; re-create it");
    }
    JsonNode manifests = root == null ? null : root.get("manifests");
    if (manifests == null || !manifests.isArray() || manifests.isEmpty()) {
      throw new BundleException("index.json of " + source + " lists no images: nothing to mirror");
    }
    List<IndexEntry> entries = new ArrayList<>();
    for (JsonNode node : manifests) {
      entries.add(of(node, source));
    }
    return entries;
  }

  private static IndexEntry of(JsonNode node, String source) {
    Descriptor descriptor;
    try {
      descriptor = new Descriptor(node.path("mediaType").asText(""),
          Digest.parse(node.path("digest").asText(null)), node.path("size").asLong(-1));
    } catch (IllegalArgumentException e) {
      throw new BundleException("index.json of " + source + " has a bad entry " + node + ": " + e.getMessage());
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    node.path("annotations").properties().forEach(field -> annotations.put(field.getKey(), field.getValue().asText()));
    return new IndexEntry(descriptor, imageName(descriptor, annotations, source));
  }

  /**
   * containerd's annotation holds the full name; OCI's ref.name often holds only a tag ({@code v1.2}),
   * which jib would happily read as {@code docker.io/library/v1.2}, so it counts only with a path.
   */
  private static String imageName(Descriptor descriptor, Map<String, String> annotations, String source) {
    String containerdName = annotations.get(CONTAINERD_NAME);
    if (containerdName != null && parses(containerdName)) {
      return containerdName;
    }
    String refName = annotations.get(REF_NAME);
    if (refName != null && refName.contains("/") && parses(refName)) {
      return refName;
    }
    throw new BundleException("index.json of " + source + ": entry " + descriptor.digest()
        + " has no usable image name (" + CONTAINERD_NAME + "=" + containerdName + ", " + REF_NAME + "=" + refName
        + "): annotate it with a full reference such as gcr.io/project/image:tag");
  }

  private static boolean parses(String reference) {
    try {
      MirrorTarget.parseSource(reference);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
