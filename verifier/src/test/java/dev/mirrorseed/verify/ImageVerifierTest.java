package dev.mirrorseed.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.events.Mismatch;
import dev.mirrorseed.events.Mismatch.Kind;
import dev.mirrorseed.events.PushRequest;
import dev.mirrorseed.events.Writer;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.RegistryServer;
import dev.mirrorseed.fixtures.RegistryTampering;
import dev.mirrorseed.fixtures.RegistryVariant;
import dev.mirrorseed.fixtures.SlowLink;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.MediaTypes;
import dev.mirrorseed.plan.BundlePlan;
import dev.mirrorseed.plan.BundlePlanner;
import dev.mirrorseed.push.BlobLedger;
import dev.mirrorseed.push.ImagePusher;
import dev.mirrorseed.reference.MirrorTarget;
import dev.mirrorseed.registry.RegistryClient;
import dev.mirrorseed.registry.RegistryEndpoint;
import dev.mirrorseed.resilience.RegistryResilience;
import dev.mirrorseed.resilience.RegistryRetry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifier judges what the real registry serves, so tampering after a push is caught, each kind as
 * its own {@link Mismatch}. Each test has a registry of its own: tampering on disk changes a blob for
 * every repository that links it.
 */
class ImageVerifierTest {
  @TempDir Path dir;
  private RegistryServer server;
  private RegistryTampering tampering;
  private RegistryClient registry;
  private BundlePlan plan;

  @BeforeEach
  void planABundle() {
    server = RegistryServer.start(RegistryVariant.plain());
    tampering = new RegistryTampering(server);
    registry = new RegistryClient(RegistryEndpoint.of(server.hostPort(), false));
    Path layout = BundleGenerator.generate(BundleSpec.of(2, 2_000_000).withMultiArch(true), dir.resolve("bundle")).layout();
    plan = BundlePlanner.stageAndPlan(layout, dir.resolve("staging"), new MirrorTarget(server.hostPort(), "verifier"));
  }

  @AfterEach
  void close() {
    registry.close();
    server.stop();
  }

  @Test
  void imagePushedAsTheBundleHoldsItIsVerifiedToItsBytes() {
    for (ImageSpec image : plan.images()) {
      push(image);

      Verdict verdict = verifier(Depth.CONTENT).verify(image);

      assertThat(verdict.mismatches()).isEmpty();
      assertThat(verdict.observedDigest()).isEqualTo(image.manifest().digest());
      assertThat(verdict.blobsChecked()).isEqualTo(image.blobs().size());
    }
  }

  @Test
  void theTagsAndEveryBlobOfAnImageAreCheckedAtOnce() {
    ImageSpec image = multiArch();
    push(image);
    Verdict verdict;
    int atOnce;
    try (SlowLink far = SlowLink.start(server.hostPort(), Duration.ofMillis(100), 50_000_000)) {
      RegistryClient throughIt = new RegistryClient(RegistryEndpoint.of(far.hostPort(), false));
      try {
        verdict = new ImageVerifier(throughIt, RegistryReads.DIRECT, Depth.SIZES).verify(image);
      } finally {
        throughIt.close();
      }
      atOnce = far.stats().maxExchangesInFlight();
    }

    assertThat(verdict.mismatches()).isEmpty();
    assertThat(verdict.observedDigest()).isEqualTo(image.manifest().digest());
    // 100 ms each: one after another, they would never overlap.
    assertThat(atOnce).as("checks in flight at once")
        .isGreaterThanOrEqualTo(image.tags().size() + image.childManifests().size() + image.blobs().size());
  }

  @Test
  void tagRepointedElsewhereIsReportedWithBothDigests() throws Exception {
    ImageSpec image = plan.images().get(0);
    push(image);
    byte[] other = Files.readAllBytes(staged(image.manifest().digest()));
    byte[] tampered = new String(other, StandardCharsets.UTF_8)
        .replaceFirst("\\{", "{\"annotations\":{\"tampered\":\"yes\"},").getBytes(StandardCharsets.UTF_8);
    registry.putManifest(image.targetRepository(), image.tags().get(0), MediaTypes.OCI_MANIFEST, tampered);

    Verdict verdict = verifier(Depth.SIZES).verify(image);

    assertThat(verdict.observedDigest()).isEqualTo(Digest.of(tampered));
    assertThat(verdict.mismatches()).containsExactly(new Mismatch(Kind.TAG_POINTS_ELSEWHERE,
        image.targetRepository() + ":" + image.tags().get(0), image.manifest().digest().toString(),
        Digest.of(tampered).toString()));
    assertThat(verdict.problems()).containsExactly(image.targetRepository() + ":" + image.tags().get(0)
        + " resolves to " + Digest.of(tampered) + ", expected " + image.manifest().digest());
  }

  @Test
  void imageNeverPushedIsReportedMissing() {
    ImageSpec image = plan.images().get(0);

    Verdict verdict = verifier(Depth.SIZES).verify(image);

    assertThat(verdict.observedDigest()).isNull();
    assertThat(verdict.mismatches()).first().isEqualTo(new Mismatch(Kind.MANIFEST_MISSING,
        image.targetRepository() + ":" + image.tags().get(0), image.manifest().digest().toString(), null));
    assertThat(verdict.mismatches()).filteredOn(m -> m.kind() == Kind.BLOB_MISSING).hasSize(image.blobs().size());
  }

  @Test
  void everyChildOfAnIndexAndEveryBlobOfEachChildIsChecked() {
    ImageSpec index = multiArch();
    push(index);
    Descriptor child = index.childManifests().get(1);
    Descriptor childBlob = index.blobs().get(index.blobs().size() - 1);
    tampering.deleteManifest(index.targetRepository(), child.digest().toString());
    tampering.deleteBlob(index.targetRepository(), childBlob.digest().toString());

    Verdict verdict = verifier(Depth.SIZES).verify(index);

    assertThat(verdict.observedDigest()).isEqualTo(index.manifest().digest());
    assertThat(verdict.mismatches()).containsExactly(
        new Mismatch(Kind.MANIFEST_MISSING, index.targetRepository() + "@" + child.digest(),
            child.digest().toString(), null),
        new Mismatch(Kind.BLOB_MISSING, index.targetRepository() + "@" + childBlob.digest(),
            childBlob.digest().toString(), null));
    assertThat(verdict.problems()).containsExactly(
        index.targetRepository() + "@" + child.digest() + " is not on the registry",
        "blob " + childBlob.digest() + " is missing from " + index.targetRepository());
  }

  @Test
  void blobDeletedFromTheRepositoryIsReportedMissing() {
    ImageSpec image = plan.images().get(0);
    push(image);
    Descriptor blob = image.blobs().get(0);
    tampering.deleteBlob(image.targetRepository(), blob.digest().toString());

    Verdict verdict = verifier(Depth.SIZES).verify(image);

    assertThat(verdict.mismatches()).containsExactly(new Mismatch(Kind.BLOB_MISSING,
        image.targetRepository() + "@" + blob.digest(), blob.digest().toString(), null));
  }

  @Test
  void blobOfAnotherSizeOnTheRegistryIsReportedWithBothSizes() throws Exception {
    ImageSpec image = plan.images().get(0);
    push(image);
    Descriptor blob = largest(image);
    byte[] stored = Files.readAllBytes(tampering.blobData(blob.digest().toString()));
    tampering.overwrite(blob.digest().toString(), Arrays.copyOf(stored, stored.length - 100));

    Verdict verdict = verifier(Depth.SIZES).verify(image);

    assertThat(verdict.mismatches()).containsExactly(new Mismatch(Kind.BLOB_WRONG_SIZE,
        image.targetRepository() + "@" + blob.digest(), Long.toString(blob.size()), Long.toString(blob.size() - 100)));
    assertThat(verdict.problems()).containsExactly("blob " + blob.digest() + " has size " + (blob.size() - 100)
        + " on the registry, " + blob.size() + " in the bundle");
  }

  @Test
  void blobBytesReplacedKeepingTheSizeAreCaughtOnlyByReadingThem() {
    ImageSpec image = plan.images().get(0);
    push(image);
    Descriptor blob = largest(image);
    String served = tampering.replaceBytesKeepingSize(blob.digest().toString());

    Verdict shallow = verifier(Depth.SIZES).verify(image);
    Verdict deep = verifier(Depth.CONTENT).verify(image);

    // distribution answers HEAD from the stored file's size, never reading it: the bytes are not checked.
    assertThat(shallow.mismatches()).isEmpty();
    assertThat(deep.mismatches()).containsExactly(new Mismatch(Kind.BLOB_CONTENT_DIFFERS,
        image.targetRepository() + "@" + blob.digest(), blob.digest().toString(), served));
    assertThat(deep.problems()).containsExactly("blob " + blob.digest() + " in " + image.targetRepository()
        + " is served as bytes that hash to " + served);
  }

  @Test
  void manifestBytesCorruptedInStorageShowTheRegistryContradictingItself() throws Exception {
    ImageSpec image = plan.images().get(0);
    push(image);
    String digest = image.manifest().digest().toString();
    byte[] corrupted = new String(Files.readAllBytes(tampering.blobData(digest)), StandardCharsets.UTF_8)
        .replaceFirst("\\{", "{\"annotations\":{\"corrupted\":\"yes\"},").getBytes(StandardCharsets.UTF_8);
    tampering.overwrite(digest, corrupted);

    Verdict verdict = verifier(Depth.SIZES).verify(image);

    // The tag still names the bundle's digest (the header says so); what it serves under it is wrong.
    assertThat(verdict.observedDigest()).isEqualTo(Digest.of(corrupted));
    assertThat(verdict.mismatches()).containsExactly(new Mismatch(Kind.HEADER_DIGEST_DISAGREES,
        image.targetRepository() + ":" + image.tags().get(0), digest, Digest.of(corrupted).toString()));
  }

  @Test
  void blobTheBundleNamesButTheRegistryNeverGotIsReported() {
    ImageSpec image = plan.images().get(0);
    push(image);
    Descriptor absent = new Descriptor(MediaTypes.OCI_LAYER_TAR, Digest.of("never pushed".getBytes()), 12);
    List<Descriptor> blobs = new ArrayList<>(image.blobs());
    blobs.add(absent);
    ImageSpec withExtraBlob = new ImageSpec(image.sourceRef(), image.targetRegistry(), image.targetRepository(),
        image.tags(), image.manifest(), image.childManifests(), blobs);

    Verdict verdict = verifier(Depth.CONTENT).verify(withExtraBlob);

    assertThat(verdict.problems()).containsExactly(
        "blob " + absent.digest() + " is missing from " + image.targetRepository());
  }

  private ImageVerifier verifier(Depth depth) {
    return new ImageVerifier(registry, RegistryReads.DIRECT, depth);
  }

  private ImageSpec multiArch() {
    return plan.images().stream().filter(image -> !image.childManifests().isEmpty()).findFirst().orElseThrow();
  }

  private static Descriptor largest(ImageSpec image) {
    return image.blobs().stream().max(Comparator.comparingLong(Descriptor::size)).orElseThrow();
  }

  private void push(ImageSpec image) {
    // A healthy registry: the pusher needs no retries, so its client is not made through them.
    new ImagePusher(registry, RegistryResilience.retryOnly(registry.endpoint().hostPort(), RegistryRetry.defaults()),
        new BlobLedger()).push(new PushRequest("test-run", Instant.now(), image, plan.staging().toString(), Writer.current()));
  }

  private Path staged(Digest digest) {
    return plan.staging().resolve("blobs/sha256").resolve(digest.hex());
  }
}
