package dev.mirrorseed.cli;

import dev.mirrorseed.bmctl.ClusterConfigReader;
import dev.mirrorseed.bmctl.RegistryMirror;
import dev.mirrorseed.containerd.NodeMirrorFiles;
import dev.mirrorseed.containerd.NodeMirrorFiles.GeneratedFile;
import dev.mirrorseed.reference.MirrorTarget;
import dev.mirrorseed.registry.auth.Credential;
import dev.mirrorseed.registry.auth.DockerConfigCredentials;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mirrorseed containerd-config}: the files that make every node's containerd pull gcr.io (and
 * {@code --hosts}) through the seeded mirror, as bmctl would configure them: see {@link NodeMirrorFiles}.
 */
@Command(
    name = "containerd-config",
    mixinStandardHelpOptions = true,
    description = "Write the containerd hosts.toml files, config.toml snippets and bmctl registryMirrors block"
        + " that make nodes pull through the mirror.")
final class ContainerdConfigCommand implements Callable<Integer> {
  private static final Pattern HAS_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*");

  @Spec CommandSpec spec;

  @Option(names = "--private-registry", paramLabel = "URL|HOST:PORT[/NAMESPACE]",
      description = "The mirror: https://HOST:PORT/v2/NAMESPACE as bmctl's endpoint, or HOST:PORT[/NAMESPACE] as"
          + " push takes it (https). Give this or --cluster-config.")
  String privateRegistry;

  @Option(names = "--cluster-config", paramLabel = "FILE",
      description = "bmctl's cluster config: its first registryMirrors entry, with its caCertPath,"
          + " pullCredentialConfigPath and hosts unless --cacert / --docker-config / --hosts are given.")
  Path clusterConfig;

  @Option(names = "--cacert", paramLabel = "FILE", description = "PEM CA the mirror's certificate chains to.")
  Path caCert;

  @Option(names = "--hosts", paramLabel = "REGISTRY", split = ",",
      description = "Registries besides gcr.io (always mirrored, as bmctl does) to pull through the mirror.")
  List<String> hosts = new ArrayList<>();

  @Option(names = "--docker-config", paramLabel = "FILE|DIR",
      description = "Docker config.json with the mirror's credentials, written into the config.toml snippets.")
  Path dockerConfig;

  @Option(names = "--config-path", paramLabel = "DIR", defaultValue = "/etc/containerd/certs.d",
      description = "Where the nodes keep the certs.d tree (containerd's config_path; default ${DEFAULT-VALUE}).")
  Path configPath;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "Directory to write the files into.")
  Path out;

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    if (!configPath.isAbsolute()) {
      // containerd would resolve it against its own working directory, whatever that is on the node.
      throw new IllegalArgumentException("--config-path " + configPath + " is relative: give the absolute path the"
          + " nodes keep certs.d at, e.g. /etc/containerd/certs.d");
    }
    RegistryMirror mirror = mirror(stdout);
    Credential credential = credential(mirror);
    List<GeneratedFile> files = NodeMirrorFiles.of(mirror, credential, configPath);
    NodeMirrorFiles.write(files, out);
    stdout.printf("mirror %s (images under %s) for %s%n", mirror.endpoint(), mirror.target(),
        String.join(", ", mirror.mirroredHosts()));
    for (GeneratedFile file : files) {
      stdout.printf("wrote %s: %s%n", out.resolve(file.path()), file.what());
    }
    stdout.printf("on each node: copy %s to %s and merge %s into /etc/containerd/config.toml, then restart"
        + " containerd; or give bmctl the block in %s%n", out.resolve(NodeMirrorFiles.CERTS_DIR), configPath,
        out.resolve(NodeMirrorFiles.CONFIG_PATH_SNIPPET), out.resolve(NodeMirrorFiles.BMCTL_SNIPPET));
    stdout.flush();
    return ExitCode.OK.code;
  }

  private RegistryMirror mirror(PrintWriter stdout) {
    if (privateRegistry != null && clusterConfig != null) {
      throw new IllegalArgumentException("--private-registry and --cluster-config both name the mirror: give one");
    }
    RegistryMirror mirror;
    if (privateRegistry != null) {
      mirror = new RegistryMirror(endpoint(privateRegistry), existing(caCert, "--cacert"),
          absolute(dockerConfig), hosts);
    } else if (clusterConfig != null) {
      List<RegistryMirror> mirrors = ClusterConfigReader.registryMirrors(clusterConfig);
      if (mirrors.isEmpty()) {
        throw new IllegalArgumentException("--cluster-config " + clusterConfig + " has no registryMirrors: add"
            + " '- endpoint: https://HOST:PORT/v2/NAMESPACE' under registryMirrors, or give --private-registry");
      }
      RegistryMirror first = mirrors.get(0);
      if (mirrors.size() > 1) {
        stdout.printf("%s lists %d registryMirrors: writing the first, %s%n", clusterConfig, mirrors.size(),
            first.endpoint());
      }
      mirror = new RegistryMirror(first.endpoint(),
          caCert != null ? existing(caCert, "--cacert") : existing(first.caCertPath(), "its caCertPath"),
          dockerConfig != null ? absolute(dockerConfig) : first.pullCredentialConfigPath(),
          hosts.isEmpty() ? first.hosts() : hosts);
    } else {
      throw new IllegalArgumentException("no mirror: give --private-registry https://HOST:PORT/v2/NAMESPACE"
          + " (or HOST:PORT[/NAMESPACE]) or --cluster-config FILE");
    }
    mirror.target();
    if (mirror.plainHttp() && mirror.caCertPath() != null) {
      throw new IllegalArgumentException("mirror " + mirror.endpoint() + " is plain HTTP, which a CA cannot secure:"
          + " use its https:// endpoint or drop --cacert");
    }
    return mirror;
  }

  /** bmctl's endpoint form when there is a scheme or a /v2 path; otherwise push's HOST:PORT[/NAMESPACE], over https. */
  private static URI endpoint(String text) {
    String trimmed = text.strip();
    String path = trimmed.contains("/") ? trimmed.substring(trimmed.indexOf('/')) : "";
    if (HAS_SCHEME.matcher(trimmed).matches() || path.equals("/v2") || path.startsWith("/v2/")) {
      return RegistryMirror.endpoint(trimmed);
    }
    return RegistryMirror.endpoint(MirrorTarget.parse(trimmed));
  }

  private Credential credential(RegistryMirror mirror) {
    if (mirror.pullCredentialConfigPath() == null) {
      return null;
    }
    String authority = mirror.endpoint().getRawAuthority();
    DockerConfigCredentials config = DockerConfigCredentials.locate(mirror.pullCredentialConfigPath(),
        Map.copyOf(System.getenv()));
    return config.lookup(authority).orElseThrow(() -> new IllegalArgumentException("docker config " + config.file()
        + " has no credentials for " + authority + ": log in to the mirror (docker login " + authority
        + ") or leave out --docker-config"));
  }

  private static Path existing(Path file, String what) {
    if (file != null && !Files.isRegularFile(file)) {
      throw new IllegalArgumentException(what + " " + file + " does not exist: give the mirror's CA certificate (PEM)");
    }
    return absolute(file);
  }

  private static Path absolute(Path file) {
    return file == null ? null : file.toAbsolutePath().normalize();
  }
}
