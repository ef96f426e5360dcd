package dev.mirrorseed.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.bundle.TarBuilder;
import dev.mirrorseed.fixtures.BundleFormats;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.Compression;
import dev.mirrorseed.fixtures.GeneratedBundle;
import dev.mirrorseed.fixtures.GeneratedImage;
import dev.mirrorseed.oci.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Images are handed on while the bundle is still being read: pushing overlaps decompression. */
class StreamingTest {
  @TempDir static Path shared;
  static GeneratedBundle bundle;

  @TempDir Path work;

  @BeforeAll
  static void generate() {
    bundle = BundleGenerator.generate(BundleSpec.of(4, 512 << 10), shared.resolve("layout"));
  }

  @Test
  void eachNestedArchivesImageIsReadyBeforeTheNextArchivesBlobsAreStaged() {
    Path nested = BundleFormats.nested(bundle, work.resolve("bundle.tar.xz"), Compression.XZ, Compression.GZIP);
    Path staging = work.resolve("staging");
    Map<String, Boolean> nextTopLayerStagedWhenReady = new LinkedHashMap<>();
    RecordingListener listener = new RecordingListener(event -> {
      int index = indexOf(event.substring("ready ".length()));
      if (index + 1 < bundle.images().size()) {
        nextTopLayerStagedWhenReady.put(event, LayoutEdits.staged(staging, topLayerOf(bundle.images().get(index + 1))));
      }
    });

    BundleFormatsTest.stream(nested, staging, PlanOptions.defaults(), listener);

    assertThat(listener.readyRefs()).containsExactlyElementsOf(references());
    assertThat(nextTopLayerStagedWhenReady).hasSize(3).doesNotContainValue(true);
  }

  @Test
  void inATarWhoseIndexComesFirstEachImageIsReadyAsSoonAsItsOwnBlobsAreStaged() throws IOException {
    Path tar = work.resolve("index-first.tar");
    try (TarBuilder builder = new TarBuilder(tar)) {
      builder.file("oci-layout", Files.readAllBytes(bundle.layout().resolve("oci-layout")));
      builder.file("index.json", Files.readAllBytes(bundle.layout().resolve("index.json")));
      Set<String> written = new LinkedHashSet<>();
      for (GeneratedImage image : bundle.images()) {
        List<String> blobs = new ArrayList<>(List.of(image.manifestDigest()));
        blobs.addAll(LayoutEdits.configAndLayers(bundle.layout(), image.manifestDigest()));
        for (String digest : blobs) {
          if (written.add(digest)) {
            String hex = Digest.parse(digest).hex();
            builder.file("blobs/sha256/" + hex, Files.readAllBytes(bundle.layout().resolve("blobs/sha256/" + hex)));
          }
        }
      }
    }
    Path staging = work.resolve("staging");
    List<Boolean> lastTopLayerStaged = new ArrayList<>();
    RecordingListener listener = new RecordingListener(
        event -> lastTopLayerStaged.add(LayoutEdits.staged(staging, topLayerOf(bundle.images().get(3)))));

    BundleFormatsTest.stream(tar, staging, PlanOptions.defaults(), listener);

    assertThat(listener.readyRefs()).containsExactlyElementsOf(references());
    assertThat(lastTopLayerStaged).containsExactly(false, false, false, true);
  }

  private static List<String> references() {
    return bundle.images().stream().map(GeneratedImage::reference).toList();
  }

  private static int indexOf(String reference) {
    return references().indexOf(reference);
  }

  /** The layer only this image has: the generator lists it last. */
  private static String topLayerOf(GeneratedImage image) {
    List<String> blobs = LayoutEdits.configAndLayers(bundle.layout(), image.manifestDigest());
    return blobs.get(blobs.size() - 1);
  }
}
