package dev.mirrorseed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads what tests need to know about a generated layout directory. */
final class Layouts {
  private Layouts() {}

  /** The digests of the manifests an index lists. */
  static List<String> childrenOf(Path layout, String indexDigest) {
    List<String> children = new ArrayList<>();
    read(layout, indexDigest).get("manifests").forEach(child -> children.add(child.get("digest").asText()));
    return children;
  }

  /** The digest of the last layer of a single-platform image's manifest. */
  static String lastLayerOf(Path layout, String manifestDigest) {
    JsonNode layers = read(layout, manifestDigest).get("layers");
    return layers.get(layers.size() - 1).get("digest").asText();
  }

  private static JsonNode read(Path layout, String digest) {
    try {
      return new ObjectMapper().readTree(
          layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length())).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
