package dev.mirrorseed.produce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.events.RequestOffset;
import dev.mirrorseed.events.SharedBlob;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each request names, for the blobs it shares with earlier images, the first image's repository and
 * where that image's request is.
 */
class FirstHoldersTest {
  private static final Descriptor BASE = layer("base");
  private static final Descriptor MIDDLE = layer("middle");

  private final FirstHolders holders = new FirstHolders(true);

  @Test
  void aBlobIsNamedWithTheRepositoryAndRequestOfTheFirstImagePublishedWithIt() throws Exception {
    ImageSpec a = image("ns/a", "1", BASE, layer("a"));
    assertThat(holders.sharedBy(a)).isEmpty();
    holders.published(a, acknowledged(4, 17));
    ImageSpec b = image("ns/b", "1", BASE, MIDDLE, layer("b"));
    assertThat(holders.sharedBy(b)).containsExactly(new SharedBlob(BASE.digest(), "ns/a", new RequestOffset(4, 17)));
    holders.published(b, acknowledged(9, 2));

    assertThat(holders.sharedBy(image("ns/c", "1", MIDDLE, BASE, layer("c")))).containsExactly(
        new SharedBlob(MIDDLE.digest(), "ns/b", new RequestOffset(9, 2)),
        new SharedBlob(BASE.digest(), "ns/a", new RequestOffset(4, 17)));
  }

  @Test
  void anotherTagOfTheSameRepositoryNeedsNoHint() throws Exception {
    holders.published(image("ns/a", "1", BASE), acknowledged(0, 0));

    assertThat(holders.sharedBy(image("ns/a", "2", BASE))).isEmpty();
  }

  @Test
  void aHolderWhoseRequestKafkaRefusedFailsTheRequestsThatShareWithIt() {
    CompletableFuture<RecordMetadata> refused = new CompletableFuture<>();
    refused.completeExceptionally(new IllegalStateException("broker gone"));
    holders.published(image("ns/a", "1", BASE), refused);

    assertThatThrownBy(() -> holders.sharedBy(image("ns/b", "1", BASE)))
        .isInstanceOf(ExecutionException.class).hasMessageContaining("broker gone");
  }

  @Test
  @Timeout(10)
  void withoutRequestsNamedASharedBlobIsNamedWithoutWaitingForTheHoldersAcknowledgement() throws Exception {
    FirstHolders alone = new FirstHolders(false);
    alone.published(image("ns/a", "1", BASE), new CompletableFuture<>());

    assertThat(alone.sharedBy(image("ns/b", "1", BASE))).containsExactly(new SharedBlob(BASE.digest(), "ns/a"));
  }

  private static CompletableFuture<RecordMetadata> acknowledged(int partition, long offset) {
    return CompletableFuture.completedFuture(
        new RecordMetadata(new TopicPartition("mirrorseed.requests", partition), offset, 0, 0L, 0, 0));
  }

  private static ImageSpec image(String repository, String tag, Descriptor... blobs) {
    Descriptor manifest = layer(repository + ":" + tag);
    return new ImageSpec("gcr.io/" + repository + ":" + tag, "127.0.0.1:5000", repository, List.of(tag), manifest,
        List.of(), Arrays.asList(blobs));
  }

  private static Descriptor layer(String content) {
    return new Descriptor(MediaTypes.OCI_LAYER_TAR, Digest.of(content.getBytes(StandardCharsets.UTF_8)), 10);
  }
}
