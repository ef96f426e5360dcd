package dev.mirrorseed.cli;

import dev.mirrorseed.TestKafka;
import dev.mirrorseed.fixtures.RegistryServer;
import dev.mirrorseed.fixtures.Sha256;
import dev.mirrorseed.fixtures.Skopeo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fresh namespace of the test registry to push into, through the test Kafka broker; what landed
 * there is read back with skopeo, not with our own client.
 */
record Mirror(String target) {
  static Mirror fresh(String label) {
    return new Mirror(RegistryServer.shared().hostPort() + "/" + label
        + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL));
  }

  /** {@code ./mirrorseed push} of {@code bundle} into this mirror on the external test broker. */
  CliRun push(Path bundle, Path workspace, String... extraArgs) {
    List<String> args = new ArrayList<>(List.of("push", "--source", bundle.toString(),
        "--private-registry", target, "--bootstrap-servers", TestKafka.bootstrapServers(),
        "--workspace", workspace.toString()));
    args.addAll(List.of(extraArgs));
    return CliRun.of(args.toArray(String[]::new));
  }

  /** Where a source image lands: its registry host dropped, its path kept under the namespace. */
  String refOf(String sourceReference) {
    return target + "/" + sourceReference.substring(sourceReference.indexOf('/') + 1);
  }

  /** sha256 of the manifest bytes skopeo reads for a source image's mirrored tag. */
  String digestOf(String sourceReference) {
    return Sha256.of(Skopeo.inspectRaw(refOf(sourceReference)));
  }
}
