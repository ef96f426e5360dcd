package dev.mirrorseed.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagingStoreTest {
  @TempDir Path temp;

  @Test
  void storesABlobUnderItsDigestInAnOciLayout() throws Exception {
    StagingStore store = StagingStore.create(temp.resolve("store"));
    byte[] content = "hello layer".getBytes();
    Descriptor descriptor = descriptorOf(content);

    assertThat(store.put(new ByteArrayInputStream(content), descriptor)).isEqualTo(descriptor.digest());

    assertThat(store.blobPath(descriptor.digest())).hasBinaryContent(content)
        .isEqualTo(temp.resolve("store/blobs/sha256/" + descriptor.digest().hex()));
    assertThat(store.contains(descriptor.digest(), content.length)).isTrue();
    assertThat(store.contains(descriptor.digest(), content.length + 1)).isFalse();
    assertThat(temp.resolve("store/oci-layout")).content().contains("imageLayoutVersion");
    assertThat(leftoverTempFiles(store)).isEmpty();
  }

  @Test
  void refusesContentThatDoesNotHashToItsDigestAndKeepsNothing() throws Exception {
    StagingStore store = StagingStore.create(temp.resolve("store"));
    Descriptor descriptor = descriptorOf("expected".getBytes());

    assertThatThrownBy(() -> store.put(new ByteArrayInputStream("tampered".getBytes()), descriptor))
        .isInstanceOf(BlobMismatchException.class)
        .hasMessageContaining("blob " + descriptor.digest())
        .hasMessageContaining("hashes to " + Digest.of("tampered".getBytes()));
    assertThatThrownBy(() -> store.put(new ByteArrayInputStream("expected and more".getBytes()), descriptor))
        .isInstanceOf(BlobMismatchException.class)
        .hasMessageContaining("longer than the expected 8 bytes");

    assertThat(Files.exists(store.blobPath(descriptor.digest()))).isFalse();
    assertThat(leftoverTempFiles(store)).isEmpty();
  }

  @Test
  void twoThreadsStoringTheSameBlobBothSucceed() throws Exception {
    StagingStore store = StagingStore.create(temp.resolve("store"));
    byte[] content = new byte[3 << 20];
    new Random(7).nextBytes(content);
    Descriptor descriptor = descriptorOf(content);

    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Digest>> puts = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        puts.add(pool.submit(() -> store.put(new ByteArrayInputStream(content), descriptor)));
      }
      for (Future<Digest> put : puts) {
        assertThat(put.get()).isEqualTo(descriptor.digest());
      }
    } finally {
      pool.shutdown();
    }

    assertThat(store.blobPath(descriptor.digest())).hasBinaryContent(content);
    assertThat(leftoverTempFiles(store)).isEmpty();
  }

  @Test
  void verifyNamesTheBlobAndFileWhoseContentChanged() throws Exception {
    Path layout = temp.resolve("layout");
    StagingStore store = StagingStore.create(layout);
    byte[] content = "original".getBytes();
    Descriptor descriptor = descriptorOf(content);
    store.put(new ByteArrayInputStream(content), descriptor);
    store.verify(descriptor);

    Files.write(store.blobPath(descriptor.digest()), "0riginal".getBytes());

    assertThatThrownBy(() -> StagingStore.inPlace(layout).verify(descriptor))
        .isInstanceOf(BlobMismatchException.class)
        .hasMessageContaining("blob " + descriptor.digest())
        .hasMessageContaining("file " + store.blobPath(descriptor.digest()));
  }

  private static Descriptor descriptorOf(byte[] content) {
    return new Descriptor("application/octet-stream", Digest.of(content), content.length);
  }

  private static List<Path> leftoverTempFiles(StagingStore store) throws Exception {
    Path ingest = store.root().resolve(".ingest");
    if (!Files.exists(ingest)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(ingest)) {
      return files.toList();
    }
  }
}
