package dev.mirrorseed.registry;

import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.MediaTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** A one-layer image small enough to push in a few requests, for tests about the requests, not the image. */
record TinyImage(Descriptor config, Path configFile, Descriptor layer, Path layerFile, byte[] manifest) {
  static TinyImage create(Path dir) {
    try {
      Files.createDirectories(dir);
      byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
          .getBytes(StandardCharsets.UTF_8);
      byte[] layer = ("layer " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
      Descriptor configDescriptor = new Descriptor(MediaTypes.OCI_CONFIG, Digest.of(config), config.length);
      Descriptor layerDescriptor = new Descriptor(MediaTypes.OCI_LAYER_TAR, Digest.of(layer), layer.length);
      byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
          + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + configDescriptor.digest() + "\",\"size\":" + config.length
          + "},\"layers\":[{\"mediaType\":\"" + MediaTypes.OCI_LAYER_TAR + "\",\"digest\":\"" + layerDescriptor.digest()
          + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
      return new TinyImage(configDescriptor, Files.write(dir.resolve("config.json"), config),
          layerDescriptor, Files.write(dir.resolve("layer.tar"), layer), manifest);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Pushes it as a pusher does: HEAD each blob, upload the missing ones, PUT the manifest. */
  Digest pushTo(RegistryClient client, String repository, String tag) {
    uploadIfMissing(client, repository, config, configFile);
    uploadIfMissing(client, repository, layer, layerFile);
    return client.putManifest(repository, tag, MediaTypes.OCI_MANIFEST, manifest);
  }

  private static void uploadIfMissing(RegistryClient client, String repository, Descriptor blob, Path file) {
    if (client.blobSize(repository, blob.digest()).isEmpty()) {
      client.uploadBlob(repository, blob, file);
    }
  }

  Digest digest() {
    return Digest.of(manifest);
  }
}
