package dev.mirrorseed.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.events.ImageVerified;
import dev.mirrorseed.events.MirrorEvent;
import dev.mirrorseed.events.RunCompleted;
import dev.mirrorseed.events.VerificationFailed;
import dev.mirrorseed.run.ImageOutcome;
import dev.mirrorseed.run.ImageOutcome.Status;
import dev.mirrorseed.run.RunSummary;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A run rebuilt from its events alone, whatever order the topics gave them in. */
class RunHistoryTest {
  @Test
  void countsAndStatusesComeFromResultsAndVerdicts() {
    RunSummary summary = SampleRun.typical().summary();

    assertThat(summary.images()).hasSize(5);
    assertThat(summary.pushed()).isEqualTo(3);
    assertThat(summary.verified()).isEqualTo(3);
    assertThat(summary.failed()).isEqualTo(2);
    assertThat(summary.missing()).isZero();
    assertThat(summary.bytesUploaded()).isEqualTo(150_300_000L);
    assertThat(summary.plan().images()).isEqualTo(5);
    assertThat(summary.images()).extracting(ImageOutcome::sourceRef).isSorted();
    ImageOutcome etcd = outcome(summary, "gcr.io/anthos-baremetal-release/etcd:v3.4.13-0-gke.5");
    assertThat(etcd.observedDigest()).isEqualTo(etcd.expectedDigest());
    assertThat(etcd.push().workerId()).isEqualTo("node-1-101-w2");
    assertThat(etcd.push().writer()).isEqualTo(SampleRun.WORKERS_1);
    assertThat(etcd.push().startedAt()).isEqualTo(SampleRun.START.plusSeconds(1));
    assertThat(outcome(summary, "gcr.io/anthos-baremetal-release/coredns:1.6.5").push().attempts()).isEqualTo(8);
  }

  @Test
  void theOrderEventsAreReadInChangesNothing() {
    List<MirrorEvent> events = new ArrayList<>(SampleRun.typical().events());
    Collections.reverse(events);

    assertThat(RunHistory.rebuild(SampleRun.RUN, events)).isEqualTo(SampleRun.typical().summary());
  }

  @Test
  void ofSeveralVerdictsTheLatestCountsAndOtherRunsAreIgnored() {
    List<MirrorEvent> events = new ArrayList<>(SampleRun.create()
        .verified("gcr.io/x/y:1", "node-1-101-w1", 0, 1, 10).planned().events());
    ImageVerified verified = (ImageVerified) events.get(2);
    events.add(new VerificationFailed(SampleRun.RUN, verified.at().minusSeconds(1), verified.image(), null,
        List.of("earlier, and overruled"), List.of(), 10, null));
    events.add(new RunCompleted("another-run", verified.at(), 9, 9, 0, 9, null));
    events.add(new VerificationFailed("another-run", verified.at().plusSeconds(5), verified.image(), null,
        List.of("another run's"), List.of(), 0, null));

    RunSummary summary = RunHistory.rebuild(SampleRun.RUN, events);

    assertThat(summary.images()).singleElement().extracting(ImageOutcome::status).isEqualTo(Status.VERIFIED);
  }

  @Test
  void aPushWithoutAVerdictAwaitsOneAndPlannedImagesWithoutResultsAreMissing() {
    RunSummary summary = SampleRun.create()
        .awaitingVerdict("gcr.io/x/y:1", "node-1-101-w1", 0, 1, 10).planned(3).summary();

    assertThat(summary.awaitingVerdict()).isEqualTo(1);
    assertThat(summary.missing()).isEqualTo(2);
    assertThat(summary.failed()).isZero();
    assertThat(summary.allVerified()).isFalse();
  }

  private static ImageOutcome outcome(RunSummary summary, String source) {
    return summary.images().stream().filter(i -> i.sourceRef().equals(source)).findFirst().orElseThrow();
  }
}
