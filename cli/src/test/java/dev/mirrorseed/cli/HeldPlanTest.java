package dev.mirrorseed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.kafka.KafkaUnavailableException;
import dev.mirrorseed.plan.BrokenImage;
import dev.mirrorseed.plan.PlanListener;
import java.util.ArrayList;
import java.util.List;
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
  void imagesFoundBeforeKafkaIsReadyArriveInOrderOnRelease() {
    HeldPlan held = new HeldPlan();
    held.imageReady(image("a"));
    held.imageBroken(new BrokenImage("b", "", "", List.of(), "bad"));
    assertThat(seen).isEmpty();

    held.release(recorder);
    held.imageReady(image("c"));

    assertThat(seen).containsExactly("ready a", "broken b", "ready c");
  }

  @Test
  void aKafkaThatNeverCameUpStopsTheReadingAtTheNextImage() {
    HeldPlan held = new HeldPlan();
    KafkaUnavailableException down = new KafkaUnavailableException("127.0.0.1:1", new RuntimeException("refused"));

    held.fail(down);

    assertThatThrownBy(() -> held.imageReady(image("a"))).isSameAs(down);
  }

  private static ImageSpec image(String name) {
    return new ImageSpec(name, "127.0.0.1:5000", name, List.of("1"), null, List.of(), List.of());
  }
}
