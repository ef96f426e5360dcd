package dev.mirrorseed.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorseed.bundle.ArchiveFiles.Found;
import dev.mirrorseed.bundle.ArchiveFiles.StagedFile;
import dev.mirrorseed.bundle.ArchiveFiles.TooLarge;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.MediaTypes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A docker-save archive as Docker 24 and older write it: manifest.json lists, per image, a config
 * file, its RepoTags and its layer files. None of that is a registry manifest, so one is built here:
 * an OCI image manifest whose config is the archive's config file (as
 * {@code application/vnd.oci.image.config.v1+json}) and whose layers are the archive's layer files as
 * they are: {@code application/vnd.oci.image.layer.v1.tar}, or {@code ...tar+gzip} / {@code ...tar+zstd}
 * for a layer file that already is compressed. With {@code --compress gzip} uncompressed layers are
 * gzipped (see {@link LayerGzip}) instead. The JSON is compact, its fields in a fixed order, without
 * annotations, so the manifest's digest is a pure function of the bundle.
 */
final class DockerArchive {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DockerArchive() {}

  /** The images of the docker-save archive at {@code directory}, each with its manifest staged. */
  static List<ListedImage> images(Archive archive, String directory, byte[] manifestJson, ArchiveFiles files,
      Intake intake) throws InvalidListingException {
    List<ListedImage> images = new ArrayList<>();
    int number = 0;
    for (JsonNode item : items(manifestJson)) {
      number++;
      String config = item.path("Config").asText(null);
      JsonNode layers = item.path("Layers");
      if (config == null || !layers.isArray()) {
        throw new InvalidListingException("has an entry without Config or Layers: " + item
            + ": re-save the images with docker save");
      }
      List<String> tags = new ArrayList<>();
      item.path("RepoTags").forEach(tag -> tags.add(tag.asText()));
      String image = tags.isEmpty() ? "image #" + number : tags.get(0);
      String where = "docker-save manifest.json in " + archive.label()
          + (directory.isEmpty() ? "" : " under " + directory + "/") + ": ";
      List<String> paths = new ArrayList<>(List.of(config));
      layers.forEach(layer -> paths.add(layer.asText()));
      List<StagedFile> found = new ArrayList<>();
      String problem = null;
      for (int i = 0; i < paths.size() && problem == null; i++) {
        String what = (i == 0 ? "config '" : "layer '") + paths.get(i) + "' of " + image;
        String path = EntryName.resolve(directory, paths.get(i));
        ArchiveFiles.Lookup lookup = path == null ? new ArchiveFiles.Missing() : files.find(path);
        if (lookup instanceof Found file) {
          found.add(file.file());
        } else if (lookup instanceof TooLarge tooLarge) {
          problem = where + what + " " + intake.overLimit(tooLarge.size());
        } else {
          problem = where + what + " is not in the archive: re-save the image with docker save";
        }
      }
      images.add(problem == null
          ? ListedImage.docker(intake.manifest(manifest(found, intake), MediaTypes.OCI_MANIFEST), tags)
          : ListedImage.broken(tags, problem));
    }
    return images;
  }

  /** The paths manifest.json points at, resolved; empty when it cannot be read (that is told later). */
  static List<String> referencedPaths(String directory, byte[] manifestJson) {
    List<String> paths = new ArrayList<>();
    try {
      for (JsonNode item : items(manifestJson)) {
        paths.add(EntryName.resolve(directory, item.path("Config").asText("")));
        item.path("Layers").forEach(layer -> paths.add(EntryName.resolve(directory, layer.asText())));
      }
    } catch (InvalidListingException e) {
      return List.of();
    }
    return paths;
  }

  private static JsonNode items(byte[] manifestJson) throws InvalidListingException {
    JsonNode root;
    try {
      root = JSON.readTree(manifestJson);
    } catch (IOException e) {
      throw new InvalidListingException("is not valid JSON (" + LayoutIndex.firstLine(e)
          + "): the archive is damaged; re-save the images with docker save");
    }
    if (root == null || !root.isArray()) {
      throw new InvalidListingException("is not a JSON array of images, so it is no docker-save manifest");
    }
    return root;
  }

  /** The OCI manifest over {@code files}: the config first, then the layers in order. */
  private static byte[] manifest(List<StagedFile> files, Intake intake) {
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
    manifest.set("config", descriptor(MediaTypes.OCI_CONFIG, files.get(0).blob()));
    var layers = manifest.putArray("layers");
    for (StagedFile layer : files.subList(1, files.size())) {
      layers.add(switch (layer.content()) {
        case GZIP -> descriptor(MediaTypes.OCI_LAYER_GZIP, layer.blob());
        case ZSTD -> descriptor(MediaTypes.OCI_LAYER_ZSTD, layer.blob());
        // An empty layer is two zero blocks, without the tar magic: it is a tar all the same.
        default -> intake.gzipDockerLayers()
            ? descriptor(MediaTypes.OCI_LAYER_GZIP, intake.gzipped(layer.blob()))
            : descriptor(MediaTypes.OCI_LAYER_TAR, layer.blob());
      });
    }
    try {
      return JSON.writeValueAsBytes(manifest);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers always serializes", e);
    }
  }

  private static ObjectNode descriptor(String mediaType, Descriptor blob) {
    return JSON.createObjectNode()
        .put("mediaType", mediaType)
        .put("digest", blob.digest().toString())
        .put("size", blob.size());
  }
}
