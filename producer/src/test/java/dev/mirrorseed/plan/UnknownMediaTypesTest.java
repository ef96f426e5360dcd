package dev.mirrorseed.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.fixtures.BundleFormats;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.Compression;
import dev.mirrorseed.fixtures.GeneratedBundle;
import dev.mirrorseed.fixtures.GeneratedImage;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the planner has no special rule for is carried through untouched: zstd layers, attestations
 * beside the platforms of an index, OCI 1.1 artifacts with artifactType and subject, and the
 * artifact manifest that lists "blobs".
 */
class UnknownMediaTypesTest {
  static final String EMPTY = "application/vnd.oci.empty.v1+json";
  static final String ARTIFACT_MANIFEST = "application/vnd.oci.artifact.manifest.v1+json";

  @TempDir Path work;

  @Test
  void blobsOfEveryMediaTypeAreStagedAndListedAsTheyAre() {
    GeneratedBundle bundle = BundleGenerator.generate(BundleSpec.of(2, 128 << 10), work.resolve("layout"));
    Path layout = bundle.layout();
    GeneratedImage plain = bundle.images().get(0);
    Descriptor plainManifest = new Descriptor(plain.mediaType(), Digest.parse(plain.manifestDigest()), plain.size());
    Descriptor config = blob(layout, MediaTypes.OCI_CONFIG, "{\"architecture\":\"unknown\",\"os\":\"unknown\"}");
    Descriptor empty = blob(layout, EMPTY, "{}");

    Descriptor zstdLayer = LayoutEdits.addBlob(layout, MediaTypes.OCI_LAYER_ZSTD, new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 1, 2});
    Descriptor zstdImage = manifest(layout, config, List.of(zstdLayer), null, null);

    Descriptor provenance = blob(layout, "application/vnd.in-toto+json", "{\"predicateType\":\"https://slsa.dev/provenance/v1\"}");
    Descriptor attestationConfig = blob(layout, MediaTypes.OCI_CONFIG, "{\"architecture\":\"unknown\",\"os\":\"unknown\",\"rootfs\":{}}");
    Descriptor attestation = manifest(layout, attestationConfig, List.of(provenance), null, null);
    ObjectNode index = LayoutEdits.JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode children = index.putArray("manifests");
    ObjectNode amd64 = descriptor(plainManifest);
    amd64.putObject("platform").put("architecture", "amd64").put("os", "linux");
    children.add(amd64);
    ObjectNode unknown = descriptor(attestation);
    unknown.putObject("platform").put("architecture", "unknown").put("os", "unknown");
    unknown.putObject("annotations").put("vnd.docker.reference.type", "attestation-manifest")
        .put("vnd.docker.reference.digest", plainManifest.digest().toString());
    children.add(unknown);
    Descriptor attested = LayoutEdits.addBlob(layout, MediaTypes.OCI_INDEX, index);

    Descriptor sbomDocument = blob(layout, "application/spdx+json", "{\"spdxVersion\":\"SPDX-2.3\"}");
    Descriptor sbom = manifest(layout, empty, List.of(sbomDocument), "application/vnd.example.sbom", plainManifest);

    Descriptor signature = blob(layout, "application/vnd.dev.cosign.simplesigning.v1+json", "{\"critical\":{}}");
    ObjectNode artifact = LayoutEdits.JSON.createObjectNode().put("mediaType", ARTIFACT_MANIFEST)
        .put("artifactType", "application/vnd.dev.cosign.artifact.sig.v1+json");
    artifact.putArray("blobs").add(descriptor(signature));
    artifact.set("subject", descriptor(plainManifest));
    artifact.put("schemaVersion", 2);
    Descriptor signed = LayoutEdits.addBlob(layout, ARTIFACT_MANIFEST, artifact);

    LayoutEdits.rewriteIndex(layout, entries -> {
      entries.add(LayoutEdits.entry(zstdImage, "example.com/zstd:1", null));
      entries.add(LayoutEdits.entry(attested, "example.com/attested:1", null));
      entries.add(LayoutEdits.entry(sbom, "example.com/sbom:1", null));
      entries.add(LayoutEdits.entry(signed, "example.com/signature:1", null));
    });
    Path archive = BundleFormats.archive(layout, work.resolve("bundle.tar.zst"), Compression.ZSTD);
    RecordingListener listener = new RecordingListener();

    BundleFormatsTest.stream(archive, work.resolve("staging"), PlanOptions.defaults(), listener);

    assertThat(listener.broken).isEmpty();
    assertThat(listener.ready("example.com/zstd:1").blobs()).containsExactly(config, zstdLayer);
    ImageSpec attestedImage = listener.ready("example.com/attested:1");
    assertThat(attestedImage.childManifests()).containsExactly(plainManifest, attestation);
    // The plain image's config and three layers, then the attestation's config and provenance.
    assertThat(attestedImage.blobs()).hasSize(6).endsWith(attestationConfig, provenance);
    ImageSpec sbomImage = listener.ready("example.com/sbom:1");
    assertThat(sbomImage.manifest()).isEqualTo(sbom);
    assertThat(sbomImage.blobs()).containsExactly(empty, sbomDocument); // the subject is no blob of it
    ImageSpec signature1 = listener.ready("example.com/signature:1");
    assertThat(signature1.manifest()).isEqualTo(signed);
    assertThat(signature1.blobs()).containsExactly(signature);
    for (Descriptor blob : List.of(zstdLayer, provenance, empty, sbomDocument, signature)) {
      assertThat(LayoutEdits.staged(work.resolve("staging"), blob.digest().toString())).isTrue();
    }
  }

  private static Descriptor blob(Path layout, String mediaType, String json) {
    return LayoutEdits.addBlob(layout, mediaType, json.getBytes(StandardCharsets.UTF_8));
  }

  private static Descriptor manifest(Path layout, Descriptor config, List<Descriptor> layers, String artifactType,
      Descriptor subject) {
    ObjectNode manifest = LayoutEdits.JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_MANIFEST);
    if (artifactType != null) {
      manifest.put("artifactType", artifactType);
    }
    manifest.set("config", descriptor(config));
    ArrayNode array = manifest.putArray("layers");
    layers.forEach(layer -> array.add(descriptor(layer)));
    if (subject != null) {
      manifest.set("subject", descriptor(subject));
    }
    return LayoutEdits.addBlob(layout, MediaTypes.OCI_MANIFEST, manifest);
  }

  private static ObjectNode descriptor(Descriptor descriptor) {
    return LayoutEdits.JSON.createObjectNode().put("mediaType", descriptor.mediaType())
        .put("digest", descriptor.digest().toString()).put("size", descriptor.size());
  }
}
