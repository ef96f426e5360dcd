package dev.mirrorseed.containerd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry settings of containerd 1.6's CRI plugin in a {@code config.toml}: where hosts.toml files
 * are ({@code config_path}), and the deprecated {@code registry.mirrors} and {@code registry.configs}.
 * A version 2 file keeps them under {@code plugins."io.containerd.grpc.v1.cri".registry}, a version 1
 * file (no {@code version}) under {@code plugins.cri.registry}; containerd reads only its version's key.
 *
 * @param version 1 or 2, as containerd counts a missing {@code version}
 * @param configPath the directories of {@code config_path} (a {@code :}-separated list); empty when unset
 * @param mirrors {@code registry.mirrors}: registry name ({@code *} for all) to endpoints, in file order
 * @param tlsConfigs registries with a {@code registry.configs."NAME".tls} table
 * @param authConfigs registries with a {@code registry.configs."NAME".auth} table
 * @param imports the file's {@code imports}, which containerd merges in and this does not read
 * @param ignored tables containerd does not read at this version, e.g. a v1 key in a v2 file
 */
public record ContainerdConfigToml(Path file, int version, List<String> configPath, Map<String, List<String>> mirrors,
    List<String> tlsConfigs, List<String> authConfigs, List<String> imports, List<String> ignored) {
  /** The CRI plugin's id, the key of its table in a version 2 config.toml. */
  public static final String CRI_PLUGIN_V2 = Toml.CRI_PLUGIN;
  private static final String CRI_PLUGIN_V1 = "cri";
  private static final TomlMapper TOML = new TomlMapper();

  public ContainerdConfigToml {
    configPath = List.copyOf(configPath);
    mirrors = Collections.unmodifiableMap(new LinkedHashMap<>(mirrors));
    tlsConfigs = List.copyOf(tlsConfigs);
    authConfigs = List.copyOf(authConfigs);
    imports = List.copyOf(imports);
    ignored = List.copyOf(ignored);
  }

  /**
   * @throws IOException when the file cannot be read or is not TOML
   * @throws IllegalArgumentException for a version this does not know (containerd 2's version 3)
   */
  public static ContainerdConfigToml read(Path file) throws IOException {
    JsonNode root = TOML.readTree(file.toFile());
    if (root == null || !root.isObject()) {
      throw new IOException("not a TOML table");
    }
    int version = root.path("version").asInt(0) == 0 ? 1 : root.path("version").asInt();
    if (version > 2) {
      throw new IllegalArgumentException("config " + file + " is version " + version + " (containerd 2):"
          + " check-node reads containerd 1.6's versions 1 and 2");
    }
    String plugin = version == 1 ? CRI_PLUGIN_V1 : CRI_PLUGIN_V2;
    String other = version == 1 ? CRI_PLUGIN_V2 : CRI_PLUGIN_V1;
    List<String> ignored = new ArrayList<>();
    if (root.path("plugins").path(other).has("registry")) {
      ignored.add("plugins." + Toml.quote(other) + ".registry (a version " + version + " config is read at plugins."
          + Toml.quote(plugin) + ")");
    }
    JsonNode registry = root.path("plugins").path(plugin).path("registry");
    List<String> configPath = new ArrayList<>();
    for (String dir : registry.path("config_path").asText("").split(":")) {
      if (!dir.isBlank()) {
        configPath.add(dir);
      }
    }
    Map<String, List<String>> mirrors = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = registry.path("mirrors").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> mirror = it.next();
      List<String> endpoints = new ArrayList<>();
      mirror.getValue().path("endpoint").forEach(endpoint -> endpoints.add(endpoint.asText()));
      mirrors.put(mirror.getKey(), endpoints);
    }
    List<String> tls = new ArrayList<>();
    List<String> auth = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = registry.path("configs").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> config = it.next();
      if (config.getValue().has("tls")) {
        tls.add(config.getKey());
      }
      if (config.getValue().has("auth")) {
        auth.add(config.getKey());
      }
    }
    List<String> imports = new ArrayList<>();
    root.path("imports").forEach(path -> imports.add(path.asText()));
    return new ContainerdConfigToml(file, version, configPath, mirrors, tls, auth, imports, ignored);
  }

  /** Where the CRI registry settings live in this file, for messages: {@code plugins."io.containerd.grpc.v1.cri".registry}. */
  public String registryTable() {
    return "plugins." + Toml.quote(version == 1 ? CRI_PLUGIN_V1 : CRI_PLUGIN_V2) + ".registry";
  }
}
