package dev.mirrorseed.cli;

import dev.mirrorseed.reference.MirrorTarget;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The mirror a run goes to, named the same way on push and produce; see {@link PushTarget}. */
final class MirrorOptions {
  @Option(names = "--private-registry", paramLabel = "HOST:PORT[/NAMESPACE]",
      description = "The mirror. gcr.io/a/b:1 goes to HOST:PORT/NAMESPACE/a/b:1, as containerd maps mirrors."
          + " Give this or --cluster-config.")
  String privateRegistry;

  @Option(names = "--cluster-config", paramLabel = "FILE",
      description = "bmctl's cluster config: push to its first registryMirrors endpoint (https://HOST:PORT/v2/NS),"
          + " with its caCertPath and pullCredentialConfigPath unless --cacert / --docker-config are given.")
  Path clusterConfig;

  /** See {@link PushTarget#resolve}; {@code access} is null in a process that never reaches the registry. */
  MirrorTarget resolve(RegistryOptions access, PrintWriter out) {
    return PushTarget.resolve(privateRegistry, clusterConfig, access, out);
  }
}
