package dev.mirrorseed.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.events.PushRequest;
import dev.mirrorseed.events.Writer;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.RegistryServer;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verifier judges what the real registry serves, so tampering after a push is caught. */
class ImageVerifierTest {
  @TempDir Path dir;
  private RegistryClient registry;
  private ImageVerifier verifier;
  private BundlePlan plan;

  @BeforeEach
  void planABundle() {
    String hostPort = RegistryServer.shared().hostPort();
    registry = new RegistryClient(RegistryEndpoint.of(hostPort, false));
    verifier = new ImageVerifier(registry);
    Path layout = BundleGenerator.generate(BundleSpec.of(2, 2_000_000).withMultiArch(true), dir.resolve("bundle")).layout();
    String namespace = "verifier-" + UUID.randomUUID().toString().substring(0, 8);
    plan = BundlePlanner.stageAndPlan(layout, dir.resolve("staging"), new MirrorTarget(hostPort, namespace));
  }

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void imagePushedAsTheBundleHoldsItIsVerified() {
    for (ImageSpec image : plan.images()) {
      push(image);

      Verdict verdict = verifier.verify(image);

      assertThat(verdict.problems()).isEmpty();
      assertThat(verdict.observedDigest()).isEqualTo(image.manifest().digest());
      assertThat(verdict.blobsChecked()).isEqualTo(image.blobs().size());
    }
  }

  @Test
  void tagRepointedElsewhereIsReportedWithBothDigests() throws Exception {
    ImageSpec image = plan.images().get(0);
    push(image);
    byte[] other = Files.readAllBytes(staged(image.manifest().digest()));
    byte[] tampered = new String(other).replaceFirst("\\{", "{\"annotations\":{\"tampered\":\"yes\"},")
        .getBytes();
    registry.putManifest(image.targetRepository(), image.tags().get(0), MediaTypes.OCI_MANIFEST, tampered);

    Verdict verdict = verifier.verify(image);

    assertThat(verdict.verified()).isFalse();
    assertThat(verdict.observedDigest()).isEqualTo(Digest.of(tampered));
    assertThat(verdict.problems()).anyMatch(p -> p.contains("resolves to " + Digest.of(tampered))
        && p.contains("expected " + image.manifest().digest()));
  }

  @Test
  void imageNeverPushedIsReportedMissing() {
    ImageSpec image = plan.images().get(0);

    Verdict verdict = verifier.verify(image);

    assertThat(verdict.observedDigest()).isNull();
    assertThat(verdict.problems()).anyMatch(p -> p.contains(image.tags().get(0)) && p.contains("is not on the registry"));
  }

  @Test
  void blobTheRegistryLacksIsReported() {
    ImageSpec image = plan.images().get(0);
    push(image);
    Descriptor absent = new Descriptor(MediaTypes.OCI_LAYER_TAR, Digest.of("never pushed".getBytes()), 12);
    List<Descriptor> blobs = new ArrayList<>(image.blobs());
    blobs.add(absent);
    ImageSpec withExtraBlob = new ImageSpec(image.sourceRef(), image.targetRegistry(), image.targetRepository(),
        image.tags(), image.manifest(), image.childManifests(), blobs);

    Verdict verdict = verifier.verify(withExtraBlob);

    assertThat(verdict.problems()).containsExactly(
        "blob " + absent.digest() + " is missing from " + image.targetRepository());
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
