package dev.mirrorseed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorseed.TestKafka;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.GeneratedBundle;
import dev.mirrorseed.fixtures.GeneratedImage;
import dev.mirrorseed.fixtures.RegistryServer;
import dev.mirrorseed.fixtures.RegistryVariant;
import dev.mirrorseed.fixtures.Sha256;
import dev.mirrorseed.fixtures.Skopeo;
import dev.mirrorseed.events.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #4's acceptance: two images sharing a 100 MB layer, pushed by one {@code mirrorseed push} with
 * four workers into two repositories, send those 100 MB once; the second repository gets a mount. The
 * registry's own log is the witness, not our client's counters alone.
 */
class SharedLayerEndToEndTest {
  private static final long MB = 1_000_000;
  private static final long SHARED_LAYER_BYTES = 100 * MB;
  /** distribution's access log: {@code "METHOD URI HTTP/1.1" STATUS SIZE}. */
  private static final Pattern ACCESS = Pattern.compile("\"([A-Z]+) (\\S+) HTTP/1\\.1\" (\\d{3}) ");
  /** distribution's request log: its time, then method, URI and status. */
  private static final Pattern COMPLETED = Pattern.compile("time=\"([^\"]+)\".*msg=\"response completed.*"
      + "http\\.request\\.method=([A-Z]+) .*http\\.request\\.uri=\"([^\"]+)\".*http\\.response\\.status=(\\d{3})");

  @TempDir static Path dir;
  static RegistryServer registry;
  static Path bundle;
  static GeneratedImage first;
  static GeneratedImage second;
  static String sharedLayerHex;

  @BeforeAll
  static void startRegistryAndMakeTwoImagesSharingOneLargeLayer() {
    registry = RegistryServer.start(RegistryVariant.plain());
    // Same seed, same "largest" layer bytes; different totals give every other blob different bytes.
    GeneratedBundle one = BundleGenerator.generate(
        BundleSpec.of(1, SHARED_LAYER_BYTES + MB / 2).withLargestLayer(SHARED_LAYER_BYTES), dir.resolve("one"));
    GeneratedBundle two = BundleGenerator.generate(BundleSpec.of(1, SHARED_LAYER_BYTES + MB)
        .withLargestLayer(SHARED_LAYER_BYTES).withSourcePrefix("gcr.io/anthos-baremetal-mirror"), dir.resolve("two"));
    first = one.images().get(0);
    second = two.images().get(0);
    bundle = merge(one, two);
    String layer = Layouts.lastLayerOf(bundle, first.manifestDigest());
    assertThat(Layouts.lastLayerOf(bundle, second.manifestDigest())).isEqualTo(layer);
    sharedLayerHex = layer.substring("sha256:".length());
  }

  @AfterAll
  static void stopRegistry() {
    registry.stop();
  }

  @Test
  void twoRepositoriesSharingALayerReceiveItsBytesOnce(@TempDir Path work) throws IOException {
    String namespace = namespaceOnTwoPartitions();
    String target = registry.hostPort() + "/" + namespace;

    CliRun run = CliRun.of("push", "--source", bundle.toString(), "--private-registry", target,
        "--bootstrap-servers", TestKafka.bootstrapServers(), "--workspace", work.toString(),
        "--workers", "4", "--report", work.resolve("report.json").toString());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("2 pushed, 2 verified, 0 failed");
    for (GeneratedImage image : List.of(first, second)) {
      assertThat(Sha256.of(Skopeo.inspectRaw(mirrored(target, image)))).isEqualTo(image.manifestDigest());
    }
    List<Matcher> requests = accessLog();
    List<Matcher> commits = requests.stream()
        .filter(r -> r.group(1).equals("PUT") && r.group(2).matches(".*[?&]digest=sha256(:|%3A)" + sharedLayerHex))
        .toList();
    List<Matcher> mounts = requests.stream()
        .filter(r -> r.group(1).equals("POST") && r.group(2).contains("mount=sha256:" + sharedLayerHex))
        .toList();
    assertThat(commits).extracting(r -> r.group(3)).containsExactly("201");
    assertThat(requests).noneMatch(r -> r.group(1).equals("PATCH"));
    assertThat(mounts).extracting(r -> r.group(3)).containsExactly("201");
    long bytesUploaded = new ObjectMapper().readTree(work.resolve("report.json").toFile()).get("bytesUploaded").asLong();
    assertThat(bytesUploaded).isBetween(SHARED_LAYER_BYTES, SHARED_LAYER_BYTES + 3 * MB);
    System.out.printf("shared layer: %d commit(s), %d mount(s) answered 201; report bytesUploaded %d; %s%n",
        commits.size(), mounts.size(), bytesUploaded, overlap(mounts.get(0).group(2)));
  }

  /**
   * Whether the mounting image was already in flight while the layer was being uploaded: its HEAD of
   * the layer came before the upload's commit was answered. Printed, not asserted: which worker takes
   * which partition is Kafka's choice.
   */
  private static String overlap(String mountUri) throws IOException {
    String mountedRepository = mountUri.substring("/v2/".length(), mountUri.indexOf("/blobs/uploads/"));
    Instant headAt = null;
    Instant committedAt = null;
    for (String line : Files.readAllLines(registry.logFile().orElseThrow(), StandardCharsets.UTF_8)) {
      Matcher m = COMPLETED.matcher(line);
      if (!m.find()) {
        continue;
      }
      if (m.group(2).equals("HEAD") && m.group(3).equals("/v2/" + mountedRepository + "/blobs/sha256:" + sharedLayerHex)
          && headAt == null) {
        headAt = Instant.parse(m.group(1));
      }
      if (m.group(2).equals("PUT") && m.group(3).endsWith(sharedLayerHex) && m.group(4).equals("201")) {
        committedAt = Instant.parse(m.group(1));
      }
    }
    return headAt != null && committedAt != null && headAt.isBefore(committedAt)
        ? "both images in flight together (second HEAD " + headAt + " before commit " + committedAt + ")"
        : "images pushed one after the other (HEAD " + headAt + ", commit " + committedAt + ")";
  }

  private static List<Matcher> accessLog() throws IOException {
    try (Stream<String> lines = Files.lines(registry.logFile().orElseThrow(), StandardCharsets.UTF_8)) {
      return lines.map(ACCESS::matcher).filter(Matcher::find).toList();
    }
  }

  /**
   * A namespace under which the two images' Kafka keys fall on different request partitions, so two
   * workers can take them at once (on one partition they would be pushed in turn by one worker).
   */
  private static String namespaceOnTwoPartitions() {
    while (true) {
      String namespace = "shared" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
      String target = registry.hostPort() + "/" + namespace;
      if (partitionOf(mirrored(target, first)) != partitionOf(mirrored(target, second))) {
        return namespace;
      }
    }
  }

  /** The request partition of a target ({@code host:port/repo:tag}) as the producer's partitioner picks it. */
  private static int partitionOf(String targetRef) {
    String key = targetRef.substring(0, targetRef.lastIndexOf(':'));
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % Topics.REQUEST_PARTITIONS;
  }

  private static String mirrored(String target, GeneratedImage image) {
    return target + "/" + image.reference().substring("gcr.io/".length());
  }

  /** Layout {@code two}'s blobs and image added to layout {@code one}. */
  private static Path merge(GeneratedBundle one, GeneratedBundle two) {
    try (Stream<Path> blobs = Files.list(two.layout().resolve("blobs/sha256"))) {
      for (Path blob : blobs.toList()) {
        Path to = one.layout().resolve("blobs/sha256").resolve(blob.getFileName());
        if (!Files.exists(to)) {
          Files.move(blob, to, StandardCopyOption.ATOMIC_MOVE);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    GeneratedImage image = two.images().get(0);
    Layouts.addIndexEntry(one.layout(), image.mediaType(), image.manifestDigest(), image.size(), image.reference());
    return one.layout();
  }
}
