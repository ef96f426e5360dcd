package dev.mirrorseed.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorseed.fixtures.GeneratedImage;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Small edits to a generated layout for inputs the generator does not make on purpose: odd names,
 * odd manifests. The bundles themselves come from the shared fixture generator.
 */
final class LayoutEdits {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String CONTAINERD_NAME = "io.containerd.image.name";
  static final String REF_NAME = "org.opencontainers.image.ref.name";

  private LayoutEdits() {}

  static Path copy(Path layout, Path target) {
    try (Stream<Path> walk = Files.walk(layout)) {
      for (Path path : walk.toList()) {
        Path copy = target.resolve(layout.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(path, copy);
        }
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void rewriteIndex(Path layout, Consumer<ArrayNode> edit) {
    Path indexFile = layout.resolve("index.json");
    try {
      ObjectNode index = (ObjectNode) JSON.readTree(indexFile.toFile());
      edit.accept((ArrayNode) index.get("manifests"));
      JSON.writeValue(indexFile.toFile(), index);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An index.json entry for {@code image}'s manifest, with the given annotations (null: left out). */
  static ObjectNode entry(GeneratedImage image, String containerdName, String refName) {
    return entry(new Descriptor(image.mediaType(), Digest.parse(image.manifestDigest()), image.size()),
        containerdName, refName);
  }

  static ObjectNode entry(Descriptor manifest, String containerdName, String refName) {
    ObjectNode entry = JSON.createObjectNode().put("mediaType", manifest.mediaType())
        .put("digest", manifest.digest().toString()).put("size", manifest.size());
    ObjectNode annotations = entry.putObject("annotations");
    if (containerdName != null) {
      annotations.put(CONTAINERD_NAME, containerdName);
    }
    if (refName != null) {
      annotations.put(REF_NAME, refName);
    }
    return entry;
  }

  /** Writes {@code content} as a blob of {@code layout}; returns its descriptor. */
  static Descriptor addBlob(Path layout, String mediaType, byte[] content) {
    Digest digest = Digest.of(content);
    try {
      Files.write(layout.resolve("blobs/sha256").resolve(digest.hex()), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Descriptor(mediaType, digest, content.length);
  }

  static Descriptor addBlob(Path layout, String mediaType, JsonNode json) {
    try {
      return addBlob(layout, mediaType, JSON.writeValueAsBytes(json));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode blobJson(Path layout, String digest) {
    try {
      return JSON.readTree(layout.resolve("blobs/sha256").resolve(Digest.parse(digest).hex()).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The config digest, then the layer digests, of the image manifest {@code digest}. */
  static List<String> configAndLayers(Path layout, String digest) {
    JsonNode manifest = blobJson(layout, digest);
    List<String> digests = new ArrayList<>();
    digests.add(manifest.get("config").get("digest").asText());
    manifest.get("layers").forEach(layer -> digests.add(layer.get("digest").asText()));
    return digests;
  }

  static boolean staged(Path staging, String digest) {
    return Files.exists(staging.resolve("blobs/sha256").resolve(Digest.parse(digest).hex()));
  }
}
