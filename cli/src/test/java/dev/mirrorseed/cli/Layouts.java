package dev.mirrorseed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorseed.fixtures.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads generated layout directories, and edits them into inputs the generator does not make. */
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

  /** Writes {@code content} as a blob of the layout; returns its digest. */
  static String addBlob(Path layout, byte[] content) {
    String digest = Sha256.of(content);
    try {
      Files.write(layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length())), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return digest;
  }

  /** Adds an index.json entry naming {@code name} for the manifest blob {@code digest}. */
  static void addIndexEntry(Path layout, String mediaType, String digest, long size, String name) {
    try {
      ObjectMapper json = new ObjectMapper();
      ObjectNode index = (ObjectNode) json.readTree(layout.resolve("index.json").toFile());
      ObjectNode entry = ((ArrayNode) index.get("manifests")).addObject()
          .put("mediaType", mediaType).put("digest", digest).put("size", size);
      entry.putObject("annotations").put("io.containerd.image.name", name);
      json.writeValue(layout.resolve("index.json").toFile(), index);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
