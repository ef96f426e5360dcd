package dev.mirrorseed.cli;

import static dev.mirrorseed.cli.CliProcess.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.TestKafka;
import dev.mirrorseed.TopicContents;
import dev.mirrorseed.events.ImagePushed;
import dev.mirrorseed.events.PushRequest;
import dev.mirrorseed.events.Topics;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.GeneratedBundle;
import dev.mirrorseed.fixtures.GeneratedImage;
import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.ManifestContent;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code work} process dies by SIGKILL in the middle of uploading a layer while a second one runs:
 * no shutdown, no handover, no commit. The survivor must take over the dead process's partitions once
 * the group notices, push again what was in flight, and the run must end with every image on the
 * registry and exactly one committed result per image.
 */
class WorkerKillEndToEndTest {
  private static final long MB = 1_000_000;
  private static final int IMAGES = 12;
  /** Each image's own top layer gets half of this over IMAGES: big enough to catch one mid-upload. */
  private static final long BUNDLE_BYTES = 480 * MB;
  /**
   * The first image's extra layer of its own. Every image needs the base layer, whose first holder is
   * that image, so without it a process's own layers, smaller than the base, were all sent before its
   * first push could end, and commits came in one burst at the end: no upload was ever seen after a
   * commit (1 of 2 CI runs, 6 and 6 requests committed by then; 1 of 2 runs of this test alone with the
   * upload rate capped, 5 and 7). This layer still goes up after the base has landed and the process's
   * other images are committed.
   */
  private static final long LARGEST_LAYER_BYTES = 200 * MB;
  /** Each process's upload rate, so that the largest layer takes seconds even on loopback. */
  private static final String UPLOADS_PER_SECOND = "40MB";
  private static final Duration STARTUP = Duration.ofSeconds(60);
  /** The group notices a dead member after its session timeout (10 s), then hands its partitions on. */
  private static final Duration TAKEOVER = Duration.ofSeconds(45);
  private static final Duration COMMITS_LOOKED_AT_EVERY = Duration.ofMillis(250);
  /**
   * How long the largest layer's upload (5 s at the rate above) is watched for a victim that has
   * committed before its own uploader is taken instead.
   */
  private static final Duration LARGEST_UPLOAD_WATCHED = Duration.ofSeconds(2);

  @Test
  void aWorkProcessKilledMidPushLeavesItsImagesToTheOtherOneAndEachIsCommittedOnce(@TempDir Path work)
      throws Exception {
    long started = System.nanoTime();
    GeneratedBundle bundle = BundleGenerator.generate(
        BundleSpec.of(IMAGES, BUNDLE_BYTES).withLargestLayer(LARGEST_LAYER_BYTES), work.resolve("bundle"));
    Map<String, GeneratedImage> imageOfOwnLayer = imagesByOwnLayer(bundle);
    String kafka = TestKafka.bootstrapServers();
    Topics topics = new Topics("kill" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL));
    KafkaSettings settings = new KafkaSettings(kafka, topics);
    Mirror mirror = Mirror.fresh("kill");
    String[] kafkaFlags = {"--bootstrap-servers", kafka, "--topic-prefix", topics.prefix()};

    String[] workArgs = {"work", "--workers", "2", "--max-bandwidth", UPLOADS_PER_SECOND};
    try (CliProcess first = CliProcess.start(work, "work-1", with(kafkaFlags, workArgs));
        CliProcess second = CliProcess.start(work, "work-2", with(kafkaFlags, workArgs))) {
      WorkProcesses.awaitEveryPartitionShared(kafka, topics, Set.of(first.pid(), second.pid()), STARTUP);
      // The layout directory is used in place: workers upload straight from the bundle's blob files.
      CliProcess produce = CliProcess.start(work, "produce", with(kafkaFlags, "produce", "--source",
          bundle.layout().toString(), "--private-registry", mirror.target()));
      try (produce) {
        // The victim is the first process seen, after it committed some requests, uploading a layer only
        // one image has (or, failing that, the one uploading the largest layer for a while): that image's
        // push is certainly in flight, and unfinished, when the signal lands.
        InFlightUpload upload = awaitUploadOfOwnLayer(kafka, topics, List.of(first, second),
            imageOfOwnLayer.keySet(), largestLayer(bundle));
        CliProcess victim = upload.process();
        victim.kill();
        long killedAt = System.nanoTime();
        CliProcess survivor = victim == first ? second : first;
        GeneratedImage inFlight = imageOfOwnLayer.get(upload.blobHex());
        Set<Integer> victimPartitions = WorkProcesses.partitionsByProcess(kafka, topics)
            .getOrDefault(victim.pid(), Set.of());
        assertThat(victim.exitCode(Duration.ofSeconds(10))).as("SIGKILL").isEqualTo(137);

        WorkProcesses.awaitEveryPartitionShared(kafka, topics, Set.of(survivor.pid()), TAKEOVER);
        Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
        assertThat(produce.exitCode(STARTUP)).as(produce.toString()).isZero();
        String runId = produce.out().strip();
        CliRun verify = CliRun.of(with(kafkaFlags, "verify", "--run", runId));

        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.out()).contains(IMAGES + " pushed, " + IMAGES + " verified, 0 failed");
        for (GeneratedImage image : bundle.images()) {
          assertThat(mirror.digestOf(image.reference())).as(image.reference()).isEqualTo(image.manifestDigest());
        }
        Map<String, ImagePushed> pushedOnce = committedOncePerImage(settings, runId);
        assertThat(WorkProcesses.processOf(pushedOnce.get(inFlight.reference()).workerId()))
            .as("who pushed %s, in flight in the killed process", inFlight.reference())
            .isEqualTo(survivor.pid());
        Map<String, Integer> partitionOf = requestPartitions(settings, runId);
        Map<Long, List<String>> imagesByProcess = pushedOnce.values().stream().collect(Collectors.groupingBy(
            pushed -> WorkProcesses.processOf(pushed.workerId()),
            Collectors.mapping(pushed -> pushed.image().sourceRef(), Collectors.toList())));
        assertThat(imagesByProcess.getOrDefault(victim.pid(), List.of()))
            .as("images the killed process committed before the kill, kept and not pushed again")
            .hasSizeGreaterThanOrEqualTo((int) upload.committedBefore());
        List<String> takenOver = imagesByProcess.getOrDefault(survivor.pid(), List.of()).stream()
            .filter(image -> victimPartitions.contains(partitionOf.get(image)))
            .toList();
        assertThat(takenOver).as("images of the killed process's partitions %s pushed by the survivor",
            victimPartitions).contains(inFlight.reference());

        survivor.terminate();
        assertThat(survivor.exitCode(Duration.ofSeconds(15))).as(survivor.toString()).isZero();
        List<String> byVictim = imagesByProcess.getOrDefault(victim.pid(), List.of());
        System.out.printf("%s: injected SIGKILL into work pid %d while it uploaded layer %s (%d MB) of %s, after it"
                + " had committed %d requests; it held partitions %s. Survivor pid %d held all %d partitions %.1f s"
                + " later. Committed ImagePushed: %d by the killed process, %d by the survivor, %d of them from the"
                + " killed process's partitions (redelivered after being in flight: %s). %d/%d verified. Wall time"
                + " %.1f s%n",
            getClass().getSimpleName(), victim.pid(), upload.blobHex().substring(0, 12), upload.bytes() / MB,
            inFlight.reference(), upload.committedBefore(), victimPartitions, survivor.pid(),
            Topics.REQUEST_PARTITIONS, takeover.toMillis() / 1000.0, byVictim.size(),
            IMAGES - byVictim.size(), takenOver.size(), inFlight.reference(), IMAGES, IMAGES,
            Duration.ofNanos(System.nanoTime() - started).toMillis() / 1000.0);
      }
    }
  }

  /**
   * A blob file a process holds open, as a push streaming a layer does for the whole upload, and how many
   * requests the process had committed by then.
   */
  private record InFlightUpload(CliProcess process, String blobHex, long bytes, long committedBefore) {}

  /**
   * Watches the processes' open files until one that has committed a request already holds a blob of
   * {@code layers} open: killed then, it leaves committed work the survivor must not redo and an
   * unfinished push it must redo. A process that has uploaded {@code largest} for a while is taken even
   * before it has committed, once the other has: that upload is the run's last long one, and the
   * process's other requests may all wait behind it in its partitions (2 of ~30 CI runs ended with no
   * victim: 10 and 2 requests committed, the 2 after the largest layer went up). It has then committed
   * nothing to keep.
   */
  private static InFlightUpload awaitUploadOfOwnLayer(String kafka, Topics topics, List<CliProcess> processes,
      Set<String> layers, String largest) throws Exception {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    long nextLook = 0;
    Map<Long, Long> committed = Map.of();
    Map<Long, Long> largestOpenSince = new HashMap<>();
    try (Admin admin = Admin.create(new KafkaSettings(kafka, topics).admin())) {
      while (System.nanoTime() < deadline) {
        if (System.nanoTime() > nextLook) {
          committed = WorkProcesses.committedByProcess(admin, topics);
          nextLook = System.nanoTime() + COMMITS_LOOKED_AT_EVERY.toNanos();
        }
        long committedByAll = committed.values().stream().mapToLong(Long::longValue).sum();
        for (CliProcess process : processes) {
          long committedByProcess = committed.getOrDefault(process.pid(), 0L);
          List<Path> open = openBlobFiles(process);
          Optional<Path> layer = committedByProcess > 0
              ? open.stream().filter(file -> layers.contains(file.getFileName().toString())).findFirst()
              : Optional.empty();
          Optional<Path> largestOpen = open.stream()
              .filter(file -> file.getFileName().toString().equals(largest)).findFirst();
          if (layer.isEmpty() && largestOpen.isPresent()) {
            long since = largestOpenSince.computeIfAbsent(process.pid(), pid -> System.nanoTime());
            if (committedByAll > 0 && System.nanoTime() - since > LARGEST_UPLOAD_WATCHED.toNanos()) {
              layer = largestOpen;
            }
          }
          if (layer.isPresent()) {
            return new InFlightUpload(process, layer.get().getFileName().toString(), layer.get().toFile().length(),
                committedByProcess);
          }
        }
        Thread.sleep(5);
      }
    }
    throw new AssertionError("no work process that had committed a request was seen uploading a layer within "
        + STARTUP + " (requests committed by process: " + committed + "): " + processes);
  }

  /** The {@code blobs/sha256/<hex>} files the process has open now, read from /proc (Linux). */
  private static List<Path> openBlobFiles(CliProcess process) throws IOException {
    Path fds = Path.of("/proc", Long.toString(process.pid()), "fd");
    List<Path> blobs = new ArrayList<>();
    try (DirectoryStream<Path> open = Files.newDirectoryStream(fds)) {
      for (Path fd : open) {
        try {
          Path file = Files.readSymbolicLink(fd);
          if (file.getParent() != null && file.getParent().endsWith(Path.of("blobs", Digest.ALGORITHM))) {
            blobs.add(file);
          }
        } catch (NoSuchFileException closedMeanwhile) {
          // The file was closed between listing and reading the link.
        }
      }
    } catch (NoSuchFileException e) {
      throw new AssertionError("cannot see the open files of pid " + process.pid() + " in " + fds
          + " (this test needs Linux /proc): " + process, e);
    }
    return blobs;
  }

  /** The hex digest of the bundle's largest blob: the first image's extra layer. */
  private static String largestLayer(GeneratedBundle bundle) throws IOException {
    try (Stream<Path> blobs = Files.list(bundle.layout().resolve("blobs").resolve(Digest.ALGORITHM))) {
      return blobs.max(Comparator.comparingLong(blob -> blob.toFile().length())).orElseThrow()
          .getFileName().toString();
    }
  }

  /** Each layer used by exactly one image of the bundle, by its hex digest. */
  private static Map<String, GeneratedImage> imagesByOwnLayer(GeneratedBundle bundle) throws IOException {
    Map<String, List<GeneratedImage>> users = new HashMap<>();
    for (GeneratedImage image : bundle.images()) {
      Path manifest = bundle.layout().resolve("blobs").resolve(Digest.ALGORITHM)
          .resolve(Digest.parse(image.manifestDigest()).hex());
      List<Descriptor> blobs = ManifestContent.parse(Files.readAllBytes(manifest), image.mediaType()).blobs();
      // The first blob is the config: never held open for long, so not a sign of an upload.
      for (Descriptor layer : blobs.subList(1, blobs.size())) {
        users.computeIfAbsent(layer.digest().hex(), hex -> new ArrayList<>()).add(image);
      }
    }
    return users.entrySet().stream()
        .filter(entry -> entry.getValue().size() == 1)
        .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().get(0)));
  }

  /** The run's committed ImagePushed by source reference, failing unless there is exactly one per image. */
  private static Map<String, ImagePushed> committedOncePerImage(KafkaSettings settings, String runId) {
    List<ImagePushed> committed = WorkProcesses.pushedIn(runId,
        TopicContents.committed(settings, settings.topics().results()));
    Map<String, Long> perImage = committed.stream()
        .collect(Collectors.groupingBy(pushed -> pushed.image().sourceRef(), Collectors.counting()));
    assertThat(perImage).as("committed ImagePushed per image").hasSize(IMAGES)
        .allSatisfy((image, count) -> assertThat(count).as(image).isEqualTo(1));
    return committed.stream().collect(Collectors.toMap(pushed -> pushed.image().sourceRef(), Function.identity()));
  }

  /** The request partition of each image of the run, by source reference. */
  private static Map<String, Integer> requestPartitions(KafkaSettings settings, String runId) {
    return TopicContents.committedRecords(settings, settings.topics().requests()).stream()
        .filter(record -> record.value() instanceof PushRequest request && request.runId().equals(runId))
        .collect(Collectors.toMap(record -> ((PushRequest) record.value()).image().sourceRef(),
            record -> record.partition()));
  }
}
