package dev.mirrorseed.containerd;

import dev.mirrorseed.registry.auth.Credential;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * The parts of a version 2 {@code config.toml} that point containerd 1.6's CRI plugin (kubelet's pulls)
 * at a mirror, to be merged into the node's file: the {@code config_path} way, which reads the
 * hosts.toml files, and the deprecated {@code registry.mirrors} way. They exclude each other: with
 * {@code config_path} set, {@code registry.mirrors} or a {@code registry.configs."NAME".tls} table makes
 * the CRI plugin refuse its config and not load (measured on 1.6.20: containerd runs on without it).
 * Credentials are {@code registry.configs."HOST:PORT".auth} in both: hosts.toml has no field for them,
 * and {@code auth} is the one {@code configs} table config_path allows.
 */
public final class CriRegistrySnippets {
  private static final String REGISTRY = Toml.CRI_V2 + ".registry";

  private CriRegistrySnippets() {}

  /**
   * {@code config_path = certsDir}, and the mirror's credentials when there are any.
   *
   * @param mirrorAuthority the mirror's {@code HOST:PORT}, the name containerd asks credentials for
   */
  public static String configPath(Path certsDir, List<String> hosts, String mirrorAuthority, Credential credential) {
    StringBuilder toml = new StringBuilder()
        .append("# Merge into /etc/containerd/config.toml (version = 2) on each node and restart containerd: pulls of\n")
        .append("# ").append(String.join(", ", hosts)).append(" then go where ").append(certsDir)
        .append("/<registry>/hosts.toml says.\n")
        .append("# Remove any registry.mirrors and registry.configs.\"...\".tls tables first: with config_path\n")
        .append("# containerd's CRI plugin refuses them and does not load (kubelet can then pull nothing).\n")
        .append('[').append(REGISTRY).append("]\n")
        .append("  config_path = ").append(Toml.quote(certsDir.toString())).append('\n');
    if (credential != null) {
      toml.append('\n')
          .append("# containerd 1.6 reads no credentials from hosts.toml: CRI takes the mirror's from here, the one\n")
          .append("# registry.configs table config_path allows. ctr images pull takes --user instead.\n")
          .append(auth(mirrorAuthority, credential));
    }
    return toml.toString();
  }

  /**
   * The deprecated {@code registry.mirrors} form (containerd 1.4 to 1.6, CRI only): one mirror entry per
   * host, the CA as {@code registry.configs."HOST:PORT".tls}, the credentials as {@code .auth}.
   *
   * @param caOnNode where the nodes keep the mirror's CA, or null for the system's trust
   */
  public static String legacyMirrors(URI endpoint, List<String> hosts, String mirrorAuthority, Path caOnNode,
      Credential credential) {
    String mirror = endpoint.toString().replaceAll("/+$", "");
    StringBuilder toml = new StringBuilder()
        .append("# Deprecated: only for a /etc/containerd/config.toml (version = 2) without config_path, which\n")
        .append("# containerd's CRI plugin refuses together with these tables. Prefer config_path.toml.\n")
        .append("# ctr does not read them; the endpoint's path is taken as the mirror's API root as it is.\n");
    for (String host : hosts) {
      toml.append('[').append(REGISTRY).append(".mirrors.").append(Toml.quote(host)).append("]\n")
          .append("  endpoint = ").append(Toml.array(List.of(mirror))).append("\n\n");
    }
    if (caOnNode != null) {
      toml.append('[').append(REGISTRY).append(".configs.").append(Toml.quote(mirrorAuthority)).append(".tls]\n")
          .append("  ca_file = ").append(Toml.quote(caOnNode.toString())).append("\n\n");
    }
    if (credential != null) {
      toml.append(auth(mirrorAuthority, credential)).append('\n');
    }
    return toml.toString().stripTrailing() + "\n";
  }

  private static String auth(String mirrorAuthority, Credential credential) {
    String userColonPassword = credential.username() + ":" + credential.password();
    return "[" + REGISTRY + ".configs." + Toml.quote(mirrorAuthority) + ".auth]\n"
        + "  auth = " + Toml.quote(Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8)))
        + "\n";
  }
}
