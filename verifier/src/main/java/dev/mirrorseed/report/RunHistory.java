package dev.mirrorseed.report;

import dev.mirrorseed.events.ImageFailed;
import dev.mirrorseed.events.ImagePushed;
import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.events.ImageVerified;
import dev.mirrorseed.events.MirrorEvent;
import dev.mirrorseed.events.PushResult;
import dev.mirrorseed.events.RunPlanned;
import dev.mirrorseed.events.VerificationFailed;
import dev.mirrorseed.run.ImageOutcome;
import dev.mirrorseed.run.ImageOutcome.Status;
import dev.mirrorseed.run.PushDetails;
import dev.mirrorseed.run.RunSummary;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A run rebuilt from its events alone, as the results and audit topics hold them: the same summary the
 * verifier made while the run went on. Each image's first result counts, as it did for the verifier (a
 * redelivered request is judged once); of several verdicts (the verify service and {@code verify --run}
 * both judge) the latest counts. An image with a result and no verdict yet is {@link Status#PUSHED}; one
 * whose result has gone from the topic (retention) keeps its verdict, without push details.
 */
public final class RunHistory {
  private static final Comparator<ImageOutcome> BY_IMAGE =
      Comparator.comparing(ImageOutcome::sourceRef).thenComparing(ImageOutcome::targetRef);

  private RunHistory() {}

  public static RunSummary rebuild(String runId, List<MirrorEvent> events) {
    RunPlanned plan = null;
    Map<ImageSpec, PushResult> results = new LinkedHashMap<>();
    Map<ImageSpec, MirrorEvent> verdicts = new LinkedHashMap<>();
    for (MirrorEvent event : events) {
      if (!runId.equals(event.runId())) {
        continue;
      }
      if (event instanceof RunPlanned planned) {
        plan = planned;
      } else if (event instanceof PushResult result) {
        results.putIfAbsent(result.image(), result);
      } else if (event instanceof ImageVerified || event instanceof VerificationFailed) {
        verdicts.merge(imageOf(event), event, (older, newer) -> newer.at().isBefore(older.at()) ? older : newer);
      }
    }
    Set<ImageSpec> images = new LinkedHashSet<>(results.keySet());
    images.addAll(verdicts.keySet());
    List<ImageOutcome> outcomes = images.stream()
        .map(image -> outcome(image, results.get(image), verdicts.get(image)))
        .sorted(BY_IMAGE)
        .toList();
    int pushed = (int) results.values().stream().filter(ImagePushed.class::isInstance).count();
    return new RunSummary(runId, pushed, outcomes, plan);
  }

  private static ImageOutcome outcome(ImageSpec image, PushResult result, MirrorEvent verdict) {
    if (result instanceof ImageFailed failed) {
      return ImageOutcome.failedPush(failed);
    }
    PushDetails push = result == null ? null : PushDetails.of(result);
    if (verdict instanceof ImageVerified verified) {
      return new ImageOutcome(image.sourceRef(), image.targetRef(), image.expectedDigest(),
          verified.observedDigest(), Status.VERIFIED, verified.bytesUploaded(), List.of(), List.of(), push);
    }
    if (verdict instanceof VerificationFailed failed) {
      return new ImageOutcome(image.sourceRef(), image.targetRef(), image.expectedDigest(),
          failed.observedDigest(), Status.FAILED, failed.bytesUploaded(), failed.problems(), failed.mismatches(),
          push);
    }
    ImagePushed pushed = (ImagePushed) result;
    return new ImageOutcome(image.sourceRef(), image.targetRef(), image.expectedDigest(), null, Status.PUSHED,
        pushed.bytesUploaded(), List.of(), List.of(), push);
  }

  private static ImageSpec imageOf(MirrorEvent verdict) {
    return verdict instanceof ImageVerified verified ? verified.image() : ((VerificationFailed) verdict).image();
  }
}
