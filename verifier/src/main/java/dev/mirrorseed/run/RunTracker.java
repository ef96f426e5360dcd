package dev.mirrorseed.run;

import dev.mirrorseed.events.ImagePushed;
import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.events.PushResult;
import dev.mirrorseed.events.RunCompleted;
import dev.mirrorseed.events.RunPlanned;
import dev.mirrorseed.events.Writer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the verifier knows of one run: how many images its plan announced, and each verdict so far. */
final class RunTracker {
  private final String runId;
  // Keyed by the whole image: a request delivered twice gives the same image and counts once, while
  // two different images claiming one target tag (one of them broken) are both judged.
  private final Map<ImageSpec, ImageOutcome> outcomes = new LinkedHashMap<>();
  private RunPlanned plan;
  private int expected = -1;
  private int pushed;

  RunTracker(String runId) {
    this.runId = runId;
  }

  String runId() {
    return runId;
  }

  void planned(RunPlanned plan) {
    this.plan = plan;
    expected = plan.images();
  }

  boolean judged(PushResult result) {
    return outcomes.containsKey(result.image());
  }

  void judge(PushResult result, ImageOutcome outcome) {
    pushed += result instanceof ImagePushed ? 1 : 0;
    outcomes.put(result.image(), outcome);
  }

  boolean complete() {
    return expected >= 0 && outcomes.size() >= expected;
  }

  /** e.g. {@code 3 of 6}, or {@code 3 of ?} before the plan is known. */
  String progress() {
    return outcomes.size() + " of " + (expected < 0 ? "?" : expected);
  }

  RunSummary summary() {
    return new RunSummary(runId, pushed, List.copyOf(outcomes.values()), plan);
  }

  RunCompleted completed() {
    RunSummary summary = summary();
    return new RunCompleted(runId, Instant.now(), expected, pushed, (int) summary.verified(), (int) summary.failed(),
        Writer.current());
  }
}
