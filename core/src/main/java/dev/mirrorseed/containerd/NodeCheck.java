package dev.mirrorseed.containerd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Whether a node's containerd 1.6 pulls each registry through a mirror, and where that is said: hosts.toml
 * files under {@code config_path}, or the deprecated {@code registry.mirrors} of config.toml. It reads the
 * files as containerd does (which directory answers for a registry, how a host's path becomes its API
 * root) and names what containerd would refuse or silently ignore.
 */
public final class NodeCheck {
  private static final String DEFAULT_DIR = "_default";
  private static final String WILDCARD = "*";

  /**
   * @param required whether the caller asked for this registry (it must be mirrored) or the files merely name it
   * @param how where the mirror is configured and what containerd will try, in order; or why nothing is
   */
  public record HostReport(String host, boolean required, boolean mirrored, String how) {}

  /** @param errors configurations containerd refuses; {@code ok()} is false while there is one */
  public record Report(String summary, List<HostReport> hosts, List<String> warnings, List<String> errors) {
    public boolean ok() {
      return errors.isEmpty() && hosts.stream().allMatch(host -> host.mirrored() || !host.required());
    }
  }

  private NodeCheck() {}

  /**
   * @param hostsDir where to look for hosts.toml instead of {@code config_path} (as {@code ctr --hosts-dir}),
   *     or null for config_path's directories
   * @param required registries that must be mirrored, e.g. gcr.io
   */
  public static Report check(ContainerdConfigToml config, Path hostsDir, List<String> required) {
    List<String> errors = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    String table = config.registryTable();
    if (!config.configPath().isEmpty() && !config.mirrors().isEmpty()) {
      errors.add(config.file() + " sets both " + table + ".config_path and " + table + ".mirrors: containerd's CRI"
          + " plugin refuses this (\"`mirrors` cannot be set when `config_path` is provided\") and does not load, so"
          + " kubelet can pull and run nothing; remove the registry.mirrors tables (hosts.toml files replace them)");
    }
    if (!config.configPath().isEmpty() && !config.tlsConfigs().isEmpty()) {
      errors.add(config.file() + " sets both " + table + ".config_path and registry.configs.\"NAME\".tls for "
          + String.join(", ", config.tlsConfigs()) + ": containerd's CRI plugin refuses this (\"`configs.tls` cannot"
          + " be set when `config_path` is provided\") and does not load; put the CA in the hosts.toml (ca = ...)");
    }
    for (String ignored : config.ignored()) {
      warnings.add(config.file() + ": " + ignored + " is not read by containerd");
    }
    for (String imported : config.imports()) {
      warnings.add(config.file() + " imports " + imported + ", which containerd merges in and this check does not read");
    }

    boolean useHostsFiles = hostsDir != null || !config.configPath().isEmpty();
    List<Path> roots = hostsDir != null ? List.of(hostsDir) : config.configPath().stream().map(Path::of).toList();
    for (Path root : roots) {
      if (!Files.isDirectory(root)) {
        warnings.add(root + " is not a directory: no hosts.toml is read from it");
      }
    }
    if (hostsDir != null && config.configPath().isEmpty()) {
      warnings.add(config.file() + " sets no config_path: kubelet's pulls (CRI) ignore the hosts.toml files of "
          + hostsDir + "; only ctr images pull --hosts-dir " + hostsDir + " reads them");
    }
    LinkedHashSet<String> hosts = new LinkedHashSet<>(required);
    if (useHostsFiles) {
      hosts.addAll(namedIn(roots));
    } else {
      config.mirrors().keySet().stream().filter(name -> !name.equals(WILDCARD)).forEach(hosts::add);
    }
    List<HostReport> reports = new ArrayList<>();
    for (String host : hosts) {
      boolean isRequired = required.contains(host);
      reports.add(useHostsFiles
          ? throughHostsFiles(host, isRequired, roots, warnings)
          : throughLegacyMirrors(host, isRequired, config));
    }
    String summary = config.file() + ": version " + config.version() + ", "
        + (config.configPath().isEmpty() ? "no config_path" : "config_path " + String.join(":", config.configPath()))
        + (config.mirrors().isEmpty() ? "" : ", registry.mirrors for " + String.join(", ", config.mirrors().keySet()))
        + (hostsDir == null ? "" : ", hosts.toml files from " + hostsDir);
    return new Report(summary, reports, warnings, errors);
  }

  private static HostReport throughLegacyMirrors(String host, boolean required, ContainerdConfigToml config) {
    String upstream = HostsToml.upstreamServer(host);
    String key = config.mirrors().containsKey(host) ? host : WILDCARD;
    List<String> endpoints = config.mirrors().getOrDefault(key, List.of());
    if (endpoints.isEmpty()) {
      return new HostReport(host, required, false, "not mirrored: no config_path, and no registry.mirrors entry for "
          + host + " in " + config.file() + "; pulls go to " + upstream);
    }
    return new HostReport(host, required, true, "mirrored by registry.mirrors." + Toml.quote(key) + " of "
        + config.file() + " (deprecated): " + String.join(", ", endpoints) + ", then " + upstream);
  }

  private static HostReport throughHostsFiles(String host, boolean required, List<Path> roots, List<String> warnings) {
    String upstream = HostsToml.upstreamServer(host);
    Optional<Path> found = hostDirectory(roots, host);
    if (found.isEmpty()) {
      return new HostReport(host, required, false, "not mirrored: no " + host + "/hosts.toml (nor _default) under "
          + roots.stream().map(Path::toString).collect(Collectors.joining(", ")) + "; pulls go to " + upstream);
    }
    Path file = found.get().resolve("hosts.toml");
    if (!Files.isRegularFile(file) || size(file) == 0) {
      return new HostReport(host, required, false, "not mirrored: " + found.get() + " has no hosts.toml (containerd"
          + " reads only certificates there); pulls go to " + upstream);
    }
    HostsToml hostsToml;
    try {
      hostsToml = HostsToml.read(file);
    } catch (IOException e) {
      return new HostReport(host, required, false, "not mirrored: " + file + " is not valid TOML ("
          + firstLine(e.getMessage()) + "); containerd ignores it and pulls from " + upstream);
    }
    String server = hostsToml.server() == null ? upstream : hostsToml.server();
    List<String> mirrors = new ArrayList<>();
    for (HostsToml.Host mirror : hostsToml.hosts()) {
      if (!mirror.pulls()) {
        continue;
      }
      mirrors.add(mirror.url() + " (" + (mirror.capabilities().isEmpty() ? "pull, resolve, push"
          : String.join(", ", mirror.capabilities())) + ")");
      warnAbout(host, file, mirror, warnings);
    }
    if (mirrors.isEmpty()) {
      return new HostReport(host, required, false, "not mirrored: " + file + " names no host to pull from; pulls go to "
          + server);
    }
    String via = found.get().getFileName().toString().equals(DEFAULT_DIR) ? " (the _default for every registry)" : "";
    return new HostReport(host, required, true, "mirrored by " + file + via + ": " + String.join(", ", mirrors)
        + ", then " + server);
  }

  private static void warnAbout(String host, Path file, HostsToml.Host mirror, List<String> warnings) {
    String path = URI.create(mirror.url()).getRawPath();
    path = path == null ? "" : path.replaceAll("/+$", "");
    if (!path.isEmpty() && !path.endsWith("/v2") && !mirror.overridePath()) {
      warnings.add(file + ": " + mirror.url() + " has a path but no override_path = true: containerd sends "
          + mirror.apiRoot() + "/<repository>/..., which a mirror seeded under a namespace does not serve");
    }
    if (!mirror.resolves()) {
      warnings.add(file + ": " + mirror.url() + " lacks the resolve capability: tags of " + host
          + " images are resolved upstream, which fails where the upstream cannot be reached");
    }
    for (String ca : mirror.ca()) {
      Path caFile = file.getParent().resolve(ca);
      if (!Files.isRegularFile(caFile)) {
        warnings.add(file + ": ca " + caFile + " does not exist: containerd fails every pull of " + host);
      }
    }
  }

  /** The directory containerd 1.6 reads for {@code host}: {@code host_port_}, then {@code host:port}, then {@code _default}, per root in order. */
  static Optional<Path> hostDirectory(List<Path> roots, String host) {
    List<String> names = new ArrayList<>();
    int colon = host.lastIndexOf(':');
    if (colon > 0) {
      names.add(host.substring(0, colon) + "_" + host.substring(colon + 1) + "_");
    }
    names.add(host);
    names.add(DEFAULT_DIR);
    for (Path root : roots) {
      for (String name : names) {
        if (Files.exists(root.resolve(name))) {
          return Optional.of(root.resolve(name));
        }
      }
    }
    return Optional.empty();
  }

  /** The registries that have a hosts.toml of their own under {@code roots}, as containerd names them. */
  private static List<String> namedIn(List<Path> roots) {
    List<String> names = new ArrayList<>();
    for (Path root : roots) {
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (Stream<Path> dirs = Files.list(root)) {
        dirs.filter(dir -> Files.isRegularFile(dir.resolve("hosts.toml")))
            .map(dir -> dir.getFileName().toString())
            .filter(name -> !name.equals(DEFAULT_DIR))
            .map(name -> name.matches(".+_[0-9]+_") ? name.replaceFirst("_([0-9]+)_$", ":$1") : name)
            .sorted()
            .forEach(names::add);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + root, e);
      }
    }
    return names;
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  private static String firstLine(String message) {
    return message == null ? "unreadable" : message.strip().lines().findFirst().orElse("unreadable");
  }
}
