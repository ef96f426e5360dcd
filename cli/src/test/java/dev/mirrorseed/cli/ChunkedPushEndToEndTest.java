package dev.mirrorseed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.TestKafka;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.GeneratedBundle;
import dev.mirrorseed.fixtures.GeneratedImage;
import dev.mirrorseed.fixtures.RegistryServer;
import dev.mirrorseed.fixtures.Sha256;
import dev.mirrorseed.fixtures.Skopeo;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushing through a proxy that refuses request bodies over 4 MiB, in front of a real registry: a 6 MB
 * layer fails in one request with a line that says what to do, and goes through in chunks.
 */
class ChunkedPushEndToEndTest {
  private static final long MB = 1_000_000;
  private static final int BODY_LIMIT_BYTES = 4 << 20;

  @TempDir static Path shared;
  static GeneratedBundle bundle;
  static BodyLimitRelay relay;

  @BeforeAll
  static void generateBundleAndStartRelay() {
    bundle = BundleGenerator.generate(BundleSpec.of(2, 2 * MB).withLargestLayer(6 * MB), shared.resolve("bundle"));
    relay = BodyLimitRelay.start(RegistryServer.shared().hostPort(), BODY_LIMIT_BYTES);
  }

  @AfterAll
  static void stopRelay() {
    relay.close();
  }

  @Test
  void aLayerOverTheProxysLimitFailsWithALineNamingChunkSize(@TempDir Path work) {
    String namespace = uniqueNamespace();

    CliRun run = push(namespace, work);

    assertThat(run.exitCode()).as(run.toString()).isNotZero();
    assertThat(relay.refused()).isPositive();
    String first = bundle.images().get(0).reference();
    assertThat(run.out().lines().filter(line -> line.contains("FAILED") && line.contains(first)))
        .singleElement().asString()
        .contains("registry " + relay.hostPort(), "with 413", "--chunk-size", "uploading sha256:");
  }

  @Test
  void chunksUnderTheProxysLimitGoThrough(@TempDir Path work) {
    String namespace = uniqueNamespace();
    int refusedBefore = relay.refused();

    CliRun run = push(namespace, work, "--chunk-size", "1MiB");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("2 pushed, 2 verified, 0 failed");
    assertThat(relay.refused()).isEqualTo(refusedBefore);
    for (GeneratedImage image : bundle.images()) {
      // Read from the registry itself, not through the relay.
      String mirrored = RegistryServer.shared().hostPort() + "/" + namespace + "/"
          + image.reference().substring("gcr.io/".length());
      assertThat(Sha256.of(Skopeo.inspectRaw(mirrored))).as(mirrored).isEqualTo(image.manifestDigest());
    }
  }

  private static CliRun push(String namespace, Path work, String... extraArgs) {
    String[] args = {"push", "--source", bundle.layout().toString(),
        "--private-registry", relay.hostPort() + "/" + namespace,
        "--bootstrap-servers", TestKafka.bootstrapServers(), "--workspace", work.toString()};
    String[] all = new String[args.length + extraArgs.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(extraArgs, 0, all, args.length, extraArgs.length);
    return CliRun.of(all);
  }

  private static String uniqueNamespace() {
    return "chunks" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
  }
}
