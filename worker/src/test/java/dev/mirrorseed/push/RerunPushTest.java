package dev.mirrorseed.push;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.events.PushRequest;
import dev.mirrorseed.events.Writer;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.RegistryRequests;
import dev.mirrorseed.fixtures.RegistryServer;
import dev.mirrorseed.fixtures.RegistryTampering;
import dev.mirrorseed.fixtures.RegistryVariant;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.plan.BundlePlan;
import dev.mirrorseed.plan.BundlePlanner;
import dev.mirrorseed.reference.MirrorTarget;
import dev.mirrorseed.registry.RegistryAccess;
import dev.mirrorseed.registry.RegistryClient;
import dev.mirrorseed.registry.RegistryEndpoint;
import dev.mirrorseed.resilience.RegistryResilience;
import dev.mirrorseed.resilience.RegistryRetry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pushing an image again, as a rerun does, on a registry of the test's own whose access log it reads. */
class RerunPushTest {
  private static RegistryServer registryServer;
  @TempDir Path dir;
  private RegistryClient registry;
  private ImagePusher pusher;
  private BundlePlan plan;

  @BeforeAll
  static void startRegistry() {
    registryServer = RegistryServer.start(RegistryVariant.plain());
  }

  @AfterAll
  static void stopRegistry() {
    registryServer.stop();
  }

  @BeforeEach
  void planABundle() {
    String hostPort = registryServer.hostPort();
    RegistryResilience resilience = RegistryResilience.retryOnly(hostPort, RegistryRetry.defaults());
    registry = new RegistryClient(RegistryEndpoint.of(hostPort, false), RegistryAccess.defaults(), resilience.exchanges());
    pusher = new ImagePusher(registry, resilience, new BlobLedger());
    Path layout = BundleGenerator.generate(BundleSpec.of(1, 2_000_000), dir.resolve("bundle")).layout();
    String namespace = "rerun-" + UUID.randomUUID().toString().substring(0, 8);
    plan = BundlePlanner.stageAndPlan(layout, dir.resolve("staging"), new MirrorTarget(hostPort, namespace));
  }

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void imageWhoseTagsAlreadyResolveToTheBundlesDigestIsOnlyReadNotWritten() {
    ImageSpec image = plan.images().get(0);
    pusher.push(request(image));
    RegistryRequests rerun = RegistryRequests.since(registryServer, "mirrorseed");

    PushOutcome again = pusher.push(request(image));

    assertThat(again.pushedDigest()).isEqualTo(image.manifest().digest());
    assertThat(again.blobsSkipped()).isEqualTo(image.blobs().size());
    assertThat(again.blobsUploaded()).isZero();
    assertThat(rerun.lines()).isNotEmpty().allMatch(line -> line.contains("\"HEAD /v2/"), "only HEAD requests");
  }

  @Test
  void blobLostFromTheRegistryIsSentAgainThoughTheTagStillResolves() {
    ImageSpec image = plan.images().get(0);
    pusher.push(request(image));
    Descriptor layer = image.blobs().get(image.blobs().size() - 1);
    new RegistryTampering(registryServer).deleteBlob(image.targetRepository(), layer.digest().toString());

    PushOutcome again = pusher.push(request(image));

    assertThat(again.blobsUploaded()).isEqualTo(1);
    assertThat(again.bytesUploaded()).isEqualTo(layer.size());
    assertThat(registry.blobSize(image.targetRepository(), layer.digest())).hasValue(layer.size());
  }

  private PushRequest request(ImageSpec image) {
    return new PushRequest("test-run", Instant.now(), image, plan.staging().toString(), Writer.current());
  }
}
