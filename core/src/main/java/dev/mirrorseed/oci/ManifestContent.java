package dev.mirrorseed.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a manifest or index points at: the blobs an image manifest needs (config, then layers) and the
 * child manifests an index lists. Parsed from the exact bytes, which are never re-serialized.
 */
public record ManifestContent(String mediaType, List<Descriptor> blobs, List<Descriptor> children) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public ManifestContent {
    blobs = List.copyOf(blobs);
    children = List.copyOf(children);
  }

  /**
   * Parses manifest bytes. {@code declaredMediaType} (from the descriptor that pointed here) wins when
   * the document itself names none, as OCI allows.
   *
   * @throws InvalidManifestException when the bytes are not a schema 2 manifest or index
   */
  public static ManifestContent parse(byte[] json, String declaredMediaType) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new InvalidManifestException("malformed manifest JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (root == null || !root.isObject()) {
      throw new InvalidManifestException("manifest is not a JSON object");
    }
    String mediaType = root.path("mediaType").asText(declaredMediaType);
    if (root.path("schemaVersion").asInt() == 1 || MediaTypes.isSchema1(mediaType)) {
      throw new InvalidManifestException("unsupported manifest schema 1 (" + mediaType
          + "), which registries no longer accept: re-pull it with a current docker/skopeo, which write schema 2");
    }
    if (root.path("schemaVersion").asInt() != 2) {
      throw new InvalidManifestException(
          "unsupported manifest schemaVersion " + root.path("schemaVersion")
              + " (only schema 2 / OCI manifests can be mirrored)");
    }
    if (root.has("manifests")) {
      return new ManifestContent(mediaType, List.of(), descriptors(root.get("manifests")));
    }
    List<Descriptor> blobs = new ArrayList<>();
    if (root.has("config")) {
      blobs.add(descriptor(root.get("config")));
    }
    blobs.addAll(descriptors(root.path("layers")));
    // OCI 1.1's artifact manifest lists its content as "blobs"; "subject" only points at another
    // manifest, which the registry need not hold, so it is no blob of this one.
    blobs.addAll(descriptors(root.path("blobs")));
    return new ManifestContent(mediaType, blobs, List.of());
  }

  public boolean isIndex() {
    return !children.isEmpty() || MediaTypes.isIndex(mediaType);
  }

  private static List<Descriptor> descriptors(JsonNode array) {
    List<Descriptor> result = new ArrayList<>();
    for (JsonNode node : array) {
      result.add(descriptor(node));
    }
    return result;
  }

  private static Descriptor descriptor(JsonNode node) {
    try {
      return new Descriptor(
          node.path("mediaType").asText(""),
          Digest.parse(node.path("digest").asText(null)),
          node.path("size").asLong(-1));
    } catch (IllegalArgumentException e) {
      throw new InvalidManifestException("bad descriptor " + node + ": " + e.getMessage());
    }
  }
}
