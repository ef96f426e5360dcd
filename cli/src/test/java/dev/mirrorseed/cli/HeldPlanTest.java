package dev.mirrorseed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.kafka.KafkaUnavailableException;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.plan.BrokenImage;
import dev.mirrorseed.plan.PlanListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class HeldPlanTest {
  private final List<String> seen = new ArrayList<>();
  private final PlanListener recorder = new PlanListener() {
    @Override
    public void imageReady(ImageSpec image) {
      seen.add("ready " + image.sourceRef());
    }

    @Override
    public void imageBroken(BrokenImage image) {
      seen.add("broken " + image.sourceRef());
    }
  };

  @Test
  void imagesFoundBeforeKafkaIsReadyArriveOnReleaseTheLargestFirstThenTheRestAsFound() {
    HeldPlan held = new HeldPlan();
    held.imageReady(image("small", 10));
    held.imageReady(image("large", 400, 100));
    held.imageBroken(new BrokenImage("broken", "", "", List.of(), "bad"));
    held.imageReady(image("also-small", 10));
    held.imageReady(image("medium", 300));
    assertThat(seen).isEmpty();

    held.release(recorder);
    held.imageReady(image("tiny", 1));
    held.imageReady(image("huge", 1000));

    assertThat(seen).containsExactly("broken broken", "ready large", "ready medium", "ready small",
        "ready also-small", "ready tiny", "ready huge");
  }

  @Test
  void aKafkaThatNeverCameUpStopsTheReadingAtTheNextImage() {
    HeldPlan held = new HeldPlan();
    KafkaUnavailableException down = new KafkaUnavailableException("127.0.0.1:1", new RuntimeException("refused"));

    held.fail(down);

    assertThatThrownBy(() -> held.imageReady(image("a", 1))).isSameAs(down);
  }

  private static ImageSpec image(String name, long... blobSizes) {
    List<Descriptor> blobs = LongStream.of(blobSizes)
        .mapToObj(size -> new Descriptor("application/vnd.oci.image.layer.v1.tar",
            Digest.of((name + size).getBytes(StandardCharsets.UTF_8)), size))
        .toList();
    return new ImageSpec(name, "127.0.0.1:5000", name, List.of("1"), null, List.of(), blobs);
  }
}
