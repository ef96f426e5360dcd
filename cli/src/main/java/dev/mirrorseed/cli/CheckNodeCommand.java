package dev.mirrorseed.cli;

import dev.mirrorseed.bmctl.RegistryMirror;
import dev.mirrorseed.containerd.ContainerdConfigToml;
import dev.mirrorseed.containerd.NodeCheck;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mirrorseed check-node}: reads a node's containerd config and hosts.toml files and says, per
 * registry, whether its pulls go through a mirror and where that is configured; see {@link NodeCheck}.
 */
@Command(
    name = "check-node",
    mixinStandardHelpOptions = true,
    description = "Say per registry whether a node's containerd pulls it through a mirror, and from which file.")
final class CheckNodeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", defaultValue = "/etc/containerd/config.toml",
      description = "containerd's config.toml (default ${DEFAULT-VALUE}).")
  Path config;

  @Option(names = "--hosts-dir", paramLabel = "DIR",
      description = "Read hosts.toml files here instead of config_path's directories, as ctr --hosts-dir does.")
  Path hostsDir;

  @Option(names = "--hosts", paramLabel = "REGISTRY", split = ",",
      description = "Registries that must be mirrored (default: gcr.io).")
  List<String> hosts = List.of(RegistryMirror.ALWAYS_MIRRORED);

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    NodeCheck.Report report = NodeCheck.check(read(config), hostsDir, hosts);
    out.println(report.summary());
    for (NodeCheck.HostReport host : report.hosts()) {
      out.println(host.host() + ": " + host.how());
    }
    report.warnings().forEach(warning -> out.println("warning: " + warning));
    report.errors().forEach(error -> out.println("error: " + error));
    out.flush();
    return report.ok() ? ExitCode.OK.code : ExitCode.NOT_MIRRORED.code;
  }

  private static ContainerdConfigToml read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("containerd config " + file + " does not exist: give --config the node's"
          + " config.toml (the file its containerd --config names; default /etc/containerd/config.toml)");
    }
    try {
      return ContainerdConfigToml.read(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("containerd config " + file + " is not valid TOML ("
          + e.getMessage().strip().lines().findFirst().orElse("") + "); containerd would not start with it either");
    }
  }
}
