package dev.mirrorseed.produce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.events.SharedBlob;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each request names, for the blobs it shares with earlier images, the first image's repository. */
class FirstHoldersTest {
  private static final Descriptor BASE = layer("base");
  private static final Descriptor MIDDLE = layer("middle");

  private final FirstHolders holders = new FirstHolders();

  @Test
  void aBlobIsNamedWithTheRepositoryOfTheFirstImagePublishedWithIt() {
    assertThat(holders.sharedBy(image("ns/a", "1", BASE, layer("a")))).isEmpty();
    assertThat(holders.sharedBy(image("ns/b", "1", BASE, MIDDLE, layer("b"))))
        .containsExactly(new SharedBlob(BASE.digest(), "ns/a"));
    assertThat(holders.sharedBy(image("ns/c", "1", MIDDLE, BASE, layer("c"))))
        .containsExactly(new SharedBlob(MIDDLE.digest(), "ns/b"), new SharedBlob(BASE.digest(), "ns/a"));
  }

  @Test
  void anotherTagOfTheSameRepositoryNeedsNoHint() {
    holders.sharedBy(image("ns/a", "1", BASE));

    assertThat(holders.sharedBy(image("ns/a", "2", BASE))).isEmpty();
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
