package dev.mirrorseed.plan;

import dev.mirrorseed.events.ImageSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Keeps what a stream hands on, in order; {@code onEvent} runs at each event, on the reading thread. */
final class RecordingListener implements PlanListener {
  final List<ImageSpec> ready = new ArrayList<>();
  final List<BrokenImage> broken = new ArrayList<>();
  /** "ready <sourceRef>" or "broken <sourceRef>", in the order they came. */
  final List<String> events = new ArrayList<>();
  private final Consumer<String> onEvent;

  RecordingListener() {
    this(event -> {});
  }

  RecordingListener(Consumer<String> onEvent) {
    this.onEvent = onEvent;
  }

  @Override
  public void imageReady(ImageSpec image) {
    ready.add(image);
    events.add("ready " + image.sourceRef());
    onEvent.accept(events.get(events.size() - 1));
  }

  @Override
  public void imageBroken(BrokenImage image) {
    broken.add(image);
    events.add("broken " + image.sourceRef());
    onEvent.accept(events.get(events.size() - 1));
  }

  ImageSpec ready(String sourceRef) {
    return ready.stream().filter(image -> image.sourceRef().equals(sourceRef)).findFirst()
        .orElseThrow(() -> new AssertionError(sourceRef + " is not among the ready images " + events));
  }

  List<String> readyRefs() {
    return ready.stream().map(ImageSpec::sourceRef).toList();
  }
}
