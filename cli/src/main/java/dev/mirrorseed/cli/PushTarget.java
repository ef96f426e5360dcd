package dev.mirrorseed.cli;

import dev.mirrorseed.bmctl.ClusterConfigReader;
import dev.mirrorseed.bmctl.RegistryMirror;
import dev.mirrorseed.reference.MirrorTarget;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The mirror a push goes to, named by exactly one of {@code --private-registry} and
 * {@code --cluster-config}. From a cluster config it is the first {@code registryMirrors} entry, the
 * one bmctl's nodes try first; its CA, docker config and scheme stand in for the flags not given to a
 * process that reaches the registry ({@code access}, null for one that does not, like produce).
 */
final class PushTarget {
  private PushTarget() {}

  static MirrorTarget resolve(String privateRegistry, Path clusterConfig, RegistryOptions access, PrintWriter out) {
    if (privateRegistry != null && clusterConfig != null) {
      throw new IllegalArgumentException("--private-registry and --cluster-config both name the mirror: give one");
    }
    if (privateRegistry != null) {
      return MirrorTarget.parse(privateRegistry);
    }
    if (clusterConfig == null) {
      throw new IllegalArgumentException("no mirror to push to: give --private-registry HOST:PORT[/NAMESPACE]"
          + " or --cluster-config FILE (a bmctl cluster config with registryMirrors)");
    }
    List<RegistryMirror> mirrors = ClusterConfigReader.registryMirrors(clusterConfig);
    if (mirrors.isEmpty()) {
      throw new IllegalArgumentException("--cluster-config " + clusterConfig + " has no registryMirrors: add"
          + " '- endpoint: https://HOST:PORT/v2/NAMESPACE' under registryMirrors, or give --private-registry");
    }
    RegistryMirror mirror = mirrors.get(0);
    MirrorTarget target = mirror.target();
    if (access != null) {
      if (access.caCert == null) {
        mustExist(mirror.caCertPath(), "caCertPath", "--cacert", clusterConfig);
      }
      if (access.dockerConfig == null && access.needCredential) {
        mustExist(mirror.pullCredentialConfigPath(), "pullCredentialConfigPath", "--docker-config", clusterConfig);
      }
      access.defaultsFrom(mirror);
    }
    out.printf("mirror %s: %s from registryMirrors of %s%s%n", target, mirror.endpoint(), clusterConfig,
        mirrors.size() == 1 ? "" : " (the first of " + mirrors.size() + "; the others get nothing)");
    out.flush();
    return target;
  }

  // Said here, naming the cluster config, because RegistryOptions would blame a flag the user never typed.
  private static void mustExist(Path path, String key, String flag, Path clusterConfig) {
    if (path != null && !Files.exists(path)) {
      throw new IllegalArgumentException("--cluster-config " + clusterConfig + ": registryMirrors " + key + " "
          + path + " does not exist: fix the path or give " + flag);
    }
  }
}
