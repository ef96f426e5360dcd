package dev.mirrorseed.report;

import dev.mirrorseed.events.ErrorCode;
import dev.mirrorseed.events.ImageFailed;
import dev.mirrorseed.events.ImagePushed;
import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.events.ImageVerified;
import dev.mirrorseed.events.MirrorEvent;
import dev.mirrorseed.events.RunPlanned;
import dev.mirrorseed.events.VerificationFailed;
import dev.mirrorseed.events.Writer;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.MediaTypes;
import dev.mirrorseed.run.RunSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Events of a run as the topics would hold them, built by hand: for report tests that need no Kafka. */
final class SampleRun {
  static final String RUN = "20261124-223015-3f9a";
  static final Instant START = Instant.parse("2026-11-24T22:30:15Z");
  static final String REGISTRY = "127.0.0.1:5000";
  static final Writer WORKERS_1 = new Writer("node-1", 101, "node-1-101");
  static final Writer WORKERS_2 = new Writer("node-2", 202, "node-2-202");
  static final Writer PRODUCER = new Writer("node-0", 7, "node-0-7");

  private final List<MirrorEvent> events = new ArrayList<>();
  private int images;

  static SampleRun create() {
    return new SampleRun();
  }

  static ImageSpec image(String source, String repository) {
    Descriptor manifest = new Descriptor(MediaTypes.OCI_MANIFEST, Digest.of(source.getBytes()), 500);
    return new ImageSpec(source, REGISTRY, repository, List.of("v1"), manifest, List.of(),
        List.of(new Descriptor(MediaTypes.OCI_LAYER_TAR, Digest.of((source + "-layer").getBytes()), 1000)));
  }

  /** An image pushed by {@code worker} from {@code startSecond} for {@code seconds}, then verified. */
  SampleRun verified(String source, String worker, int startSecond, int seconds, long bytes) {
    ImageSpec image = image(source, "ns/" + source.substring(source.indexOf('/') + 1).replaceAll(":.*", ""));
    Instant end = START.plusSeconds(startSecond + seconds);
    events.add(new ImagePushed(RUN, end, image, image.expectedDigest(), 1, 0, 0, bytes, 1, seconds * 1000L, worker,
        writerOf(worker)));
    events.add(new ImageVerified(RUN, end.plusMillis(300), image, image.expectedDigest(), 1, bytes, PRODUCER));
    images++;
    return this;
  }

  /** An image a worker gave up on after {@code attempts}; the verifier then failed it too. */
  SampleRun pushFailed(String source, String worker, int startSecond, int seconds, int attempts, String message) {
    ImageSpec image = image(source, "ns/broken");
    Instant end = START.plusSeconds(startSecond + seconds);
    ImageFailed failed = new ImageFailed(RUN, end, image, ErrorCode.REGISTRY_ERROR, message, attempts,
        seconds * 1000L, worker, writerOf(worker));
    events.add(failed);
    events.add(new VerificationFailed(RUN, end.plusMillis(200), image, null, List.of("push failed: " + message),
        List.of(), 0, PRODUCER));
    images++;
    return this;
  }

  /** An image the producer could not read from the bundle, named by its entry. */
  SampleRun unreadable(String entry, String reason) {
    ImageSpec image = new ImageSpec(entry, REGISTRY, "", List.of(), null, List.of(), List.of());
    events.add(new ImageFailed(RUN, START, image, ErrorCode.BAD_INPUT, reason, 0, 0, ImageFailed.PRODUCER, PRODUCER));
    images++;
    return this;
  }

  /** Pushed; the verifier has not judged it yet. */
  SampleRun awaitingVerdict(String source, String worker, int startSecond, int seconds, long bytes) {
    ImageSpec image = image(source, "ns/waiting");
    Instant end = START.plusSeconds(startSecond + seconds);
    events.add(new ImagePushed(RUN, end, image, image.expectedDigest(), 1, 0, 0, bytes, 2, seconds * 1000L, worker,
        writerOf(worker)));
    images++;
    return this;
  }

  SampleRun planned(int plannedImages) {
    events.add(0, new RunPlanned(RUN, START.minusSeconds(1), "/bundles/bmpackages.tar.xz", "sha256:abc",
        REGISTRY + "/ns", plannedImages, 12, 345_000_000L, PRODUCER));
    return this;
  }

  SampleRun planned() {
    return planned(images);
  }

  List<MirrorEvent> events() {
    return List.copyOf(events);
  }

  RunSummary summary() {
    return RunHistory.rebuild(RUN, events);
  }

  private static Writer writerOf(String worker) {
    return worker.startsWith(WORKERS_2.processId()) ? WORKERS_2 : WORKERS_1;
  }

  /** Four images on three workers of two processes, one failed after retries, one unreadable. */
  static SampleRun typical() {
    return create()
        .verified("gcr.io/anthos-baremetal-release/kube-rbac-proxy:v0.6.0-gke.0", "node-1-101-w1", 0, 4, 40_000_000)
        .verified("gcr.io/anthos-baremetal-release/etcd:v3.4.13-0-gke.5", "node-1-101-w2", 1, 9, 110_000_000)
        .verified("gcr.io/anthos-baremetal-release/pause:3.1-gke.5", "node-2-202-w1", 2, 1, 300_000)
        .pushFailed("gcr.io/anthos-baremetal-release/coredns:1.6.5", "node-2-202-w1", 4, 6, 8,
            "registry 127.0.0.1:5000 answered 503 Service Unavailable")
        .unreadable("images/broken.tar", "blob sha256:00ff is missing from the bundle")
        .planned();
  }
}
