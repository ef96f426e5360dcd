package dev.mirrorseed.containerd;

import dev.mirrorseed.bmctl.RegistryMirror;
import dev.mirrorseed.bmctl.RegistryMirrorsYaml;
import dev.mirrorseed.registry.auth.Credential;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Everything a node's containerd 1.6 needs to pull through a mirror, as files to copy onto it: a
 * {@code hosts.toml} per mirrored registry and the mirror's CA in a {@code certs.d} tree, the
 * config.toml snippets for {@code config_path} and for the deprecated {@code registry.mirrors}, and the
 * {@code registryMirrors} block that makes bmctl do the same.
 */
public final class NodeMirrorFiles {
  /** Where containerd's hosts.toml files usually live on a node, and where this writes their paths to. */
  public static final Path DEFAULT_CERTS_DIR = Path.of("/etc/containerd/certs.d");
  public static final String CERTS_DIR = "certs.d";
  public static final String CONFIG_PATH_SNIPPET = "config_path.toml";
  public static final String LEGACY_SNIPPET = "legacy-mirrors.toml";
  public static final String BMCTL_SNIPPET = "registry-mirrors.yaml";
  // Each becomes a directory name: nothing that could climb out of certs.d.
  private static final Pattern REGISTRY_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?");

  /**
   * One file to write.
   *
   * @param path relative to the output directory
   * @param secret whether it holds credentials (written readable by its owner only)
   * @param what one line saying what it is for
   */
  public record GeneratedFile(Path path, String content, boolean secret, String what) {}

  private NodeMirrorFiles() {}

  /**
   * @param mirror the mirror; its {@code caCertPath} is read here, its {@code pullCredentialConfigPath}
   *     only named in the bmctl block
   * @param credential the mirror's user and password, or null when it needs none
   * @param certsDirOnNode where the nodes keep {@code certs.d} ({@code config_path})
   * @throws IllegalArgumentException when a mirrored registry is not a name like {@code somehost.io:5000}
   */
  public static List<GeneratedFile> of(RegistryMirror mirror, Credential credential, Path certsDirOnNode)
      throws IOException {
    String authority = mirror.endpoint().getRawAuthority();
    List<String> hosts = mirror.mirroredHosts();
    for (String host : hosts) {
      if (!REGISTRY_NAME.matcher(host).matches()) {
        throw new IllegalArgumentException("mirrored registry '" + host + "' is not a registry name like somehost.io"
            + " or registry.local:5000");
      }
    }
    Path caOnNode = mirror.caCertPath() == null ? null : certsDirOnNode.resolve(authority).resolve("ca.crt");
    String endpoint = mirror.endpoint().toString().replaceAll("/+$", "");
    List<GeneratedFile> files = new ArrayList<>();
    for (String host : hosts) {
      files.add(new GeneratedFile(Path.of(CERTS_DIR, host, "hosts.toml"),
          HostsToml.render(host, mirror.endpoint(), caOnNode, credential == null ? null : CONFIG_PATH_SNIPPET), false,
          host + " pulls from " + endpoint + ", then " + HostsToml.upstreamServer(host)));
    }
    if (mirror.caCertPath() != null) {
      // Beside the hosts.toml files; in certs.d/HOST:PORT it also makes pulls that name the mirror itself trust it.
      files.add(new GeneratedFile(Path.of(CERTS_DIR, authority, "ca.crt"),
          Files.readString(mirror.caCertPath(), StandardCharsets.UTF_8), false,
          "the mirror's CA (" + mirror.caCertPath() + "), " + caOnNode + " on the nodes"));
    }
    files.add(new GeneratedFile(Path.of(CONFIG_PATH_SNIPPET),
        CriRegistrySnippets.configPath(certsDirOnNode, hosts, authority, credential), credential != null,
        "merge into config.toml: config_path = \"" + certsDirOnNode + "\""
            + (credential == null ? "" : " and the mirror's credentials (hosts.toml cannot hold them)")));
    files.add(new GeneratedFile(Path.of(LEGACY_SNIPPET),
        CriRegistrySnippets.legacyMirrors(mirror.endpoint(), hosts, authority, caOnNode, credential), credential != null,
        "or, deprecated, for a config.toml without config_path: registry.mirrors and registry.configs"));
    files.add(new GeneratedFile(Path.of(BMCTL_SNIPPET), RegistryMirrorsYaml.render(List.of(mirror)), false,
        "the registryMirrors block of bmctl's cluster config"));
    return List.copyOf(files);
  }

  /** Writes {@code files} under {@code out}, replacing what is there; a secret file is never readable by others. */
  public static void write(List<GeneratedFile> files, Path out) throws IOException {
    for (GeneratedFile file : files) {
      Path target = out.resolve(file.path());
      Files.createDirectories(target.getParent());
      if (file.secret()) {
        Files.deleteIfExists(target);
        Files.createFile(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.writeString(target, file.content(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }
  }
}
