package dev.mirrorseed.containerd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One {@code hosts.toml} of containerd's registry host namespaces (containerd 1.5+, docs/hosts.md):
 * {@code CERTS_DIR/<registry>/hosts.toml} names the hosts a registry's pulls go to, in order, before
 * its {@code server}. Read as containerd 1.6 reads it; written for a mirror as bmctl configures nodes.
 *
 * @param file where it was read from
 * @param server the upstream, tried after every host; null when the file names none (containerd then
 *     uses the registry itself)
 * @param hosts the {@code [host."URL"]} tables in the file's order
 */
public record HostsToml(Path file, String server, List<Host> hosts) {
  private static final TomlMapper TOML = new TomlMapper();

  /**
   * One {@code [host."URL"]} table.
   *
   * @param url scheme, authority and, for a namespace, path ({@code https://H:P/v2/ns})
   * @param capabilities {@code pull}, {@code resolve}, {@code push}; empty means all three (containerd's default)
   * @param overridePath whether the path is the API root as it is; without it containerd appends {@code /v2}
   * @param ca CA files, absolute or relative to the hosts.toml's directory
   */
  public record Host(String url, List<String> capabilities, boolean overridePath, List<String> ca) {
    public Host {
      capabilities = List.copyOf(capabilities);
      ca = List.copyOf(ca);
    }

    /** The path containerd sends requests under: {@code /v2} appended unless {@code override_path}, as containerd 1.6 does. */
    public String apiRoot() {
      String path = URI.create(url).getRawPath();
      path = path == null ? "" : path.replaceAll("/+$", "");
      return overridePath || path.endsWith("/v2") ? path : path + "/v2";
    }

    /** Whether containerd asks this host to turn a tag into a digest; without it tags resolve upstream. */
    public boolean resolves() {
      return capabilities.isEmpty() || capabilities.contains("resolve");
    }

    public boolean pulls() {
      return capabilities.isEmpty() || capabilities.contains("pull");
    }
  }

  public HostsToml {
    hosts = List.copyOf(hosts);
  }

  /**
   * The hosts.toml that sends {@code upstream}'s pulls to {@code mirror} first: {@code pull} and
   * {@code resolve} (a private mirror is trusted to turn tags into digests), the mirror's path as its
   * API root, its CA when there is one. Credentials cannot be written here: containerd 1.6's hosts.toml
   * has no field for them.
   *
   * @param caOnNode where the nodes keep the mirror's CA, or null for the system's trust
   * @param credentialsIn where the mirror's credentials are instead, for a comment; null when there are none
   */
  public static String render(String upstream, URI mirror, Path caOnNode, String credentialsIn) {
    String endpoint = mirror.toString().replaceAll("/+$", "");
    String path = mirror.getRawPath() == null ? "" : mirror.getRawPath().replaceAll("/+$", "");
    boolean namespaced = !path.isEmpty() && !path.equals("/v2");
    StringBuilder toml = new StringBuilder()
        .append("# ").append(upstream).append(" pulls through the mirror ").append(endpoint)
        .append(" first (written by mirrorseed containerd-config).\n");
    if (credentialsIn != null) {
      toml.append("# containerd 1.6 reads no credentials from hosts.toml: the mirror's are in ")
          .append(credentialsIn).append(" (CRI); ctr takes --user.\n");
    }
    toml.append("server = ").append(Toml.quote(upstreamServer(upstream))).append("\n\n")
        .append("[host.").append(Toml.quote(endpoint)).append("]\n")
        .append("  capabilities = [\"pull\", \"resolve\"]\n");
    if (caOnNode != null) {
      toml.append("  ca = ").append(Toml.quote(caOnNode.toString())).append('\n');
    }
    if (namespaced) {
      // containerd would otherwise append /v2 to the namespace path: /v2/ns/v2/<repo>/manifests/...
      toml.append("  override_path = true\n");
    }
    return toml.toString();
  }

  /** The upstream URL containerd uses for a registry name: Docker Hub's API lives on registry-1.docker.io. */
  public static String upstreamServer(String registry) {
    return "https://" + (registry.equals("docker.io") ? "registry-1.docker.io" : registry);
  }

  /**
   * Parses a hosts.toml as containerd 1.6 does: {@code server}, and each {@code [host."URL"]} with
   * {@code capabilities}, {@code ca} (a string or a list), {@code override_path}.
   *
   * @throws IOException when the file cannot be read or is not TOML; containerd then ignores it
   *     (it logs "failed to decode hosts.toml") and pulls from the registry itself
   */
  public static HostsToml read(Path file) throws IOException {
    JsonNode root = TOML.readTree(file.toFile());
    if (root == null || !root.isObject()) {
      throw new IOException("not a TOML table");
    }
    List<Host> hosts = new ArrayList<>();
    JsonNode tables = root.path("host");
    for (Iterator<Map.Entry<String, JsonNode>> it = tables.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> table = it.next();
      JsonNode host = table.getValue();
      hosts.add(new Host(table.getKey(), texts(host.path("capabilities")),
          host.path("override_path").asBoolean(false), texts(host.path("ca"))));
    }
    String server = root.hasNonNull("server") ? root.get("server").asText() : null;
    return new HostsToml(file, server, hosts);
  }

  private static List<String> texts(JsonNode node) {
    List<String> texts = new ArrayList<>();
    if (node.isTextual()) {
      texts.add(node.asText());
    } else if (node.isArray()) {
      node.forEach(element -> texts.add(element.asText()));
    }
    return texts;
  }
}
