package dev.mirrorseed.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A layout's index.json: each entry's manifest and the names its annotations give it. */
final class LayoutIndex {
  static final String CONTAINERD_NAME = "io.containerd.image.name";
  static final String REF_NAME = "org.opencontainers.image.ref.name";

  private static final ObjectMapper JSON = new ObjectMapper();

  private LayoutIndex() {}

  /** Every entry, in order; an index listing none is valid and lists nothing. */
  static List<ListedImage> parse(byte[] indexJson) throws InvalidListingException {
    JsonNode root;
    try {
      root = JSON.readTree(indexJson);
    } catch (IOException e) {
      throw new InvalidListingException("is not valid JSON (" + firstLine(e) + "): the bundle is damaged; re-create it");
    }
    JsonNode manifests = root == null ? null : root.get("manifests");
    if (manifests == null || !manifests.isArray()) {
      throw new InvalidListingException("has no \"manifests\" array, so it is no OCI image index: re-create the bundle");
    }
    List<ListedImage> images = new ArrayList<>();
    for (JsonNode node : manifests) {
      Descriptor descriptor;
      try {
        descriptor = new Descriptor(node.path("mediaType").asText(""),
            Digest.parse(node.path("digest").asText(null)), node.path("size").asLong(-1));
      } catch (IllegalArgumentException e) {
        throw new InvalidListingException("has a bad entry " + node + " (" + e.getMessage() + "): re-create the bundle");
      }
      JsonNode annotations = node.path("annotations");
      images.add(ListedImage.oci(descriptor, text(annotations, CONTAINERD_NAME), text(annotations, REF_NAME)));
    }
    return images;
  }

  private static String text(JsonNode annotations, String key) {
    JsonNode value = annotations.get(key);
    return value == null || !value.isTextual() ? null : value.asText();
  }

  static String firstLine(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
  }
}
