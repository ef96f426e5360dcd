package dev.mirrorseed.cli;

import dev.mirrorseed.bmctl.RegistryMirror;
import dev.mirrorseed.registry.RegistryAccess;
import dev.mirrorseed.registry.auth.Credential;
import dev.mirrorseed.registry.auth.CredentialSource;
import dev.mirrorseed.registry.auth.DockerConfigCredentials;
import dev.mirrorseed.registry.proxy.ProxyRoutes;
import dev.mirrorseed.registry.tls.TlsTrust;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How a command reaches the registry: TLS trust, credentials, upload chunking, with bmctl's and
 * skopeo's flag names. Proxies come from the environment ({@code HTTPS_PROXY}, {@code NO_PROXY}).
 */
final class RegistryOptions {
  @Option(names = "--cacert", paramLabel = "FILE",
      description = "PEM CA certificate(s) the registry's certificate must chain to, trusted for it alone.")
  Path caCert;

  @Option(names = "--cert-dir", paramLabel = "DIR",
      description = "certs.d-style directory: *.crt CAs, and a client *.cert + *.key pair for mutual TLS.")
  Path certDir;

  @Option(names = "--insecure",
      description = "Do not verify the registry's TLS certificate (a warning is printed). Prefer --cacert.")
  boolean insecure;

  @Option(names = "--insecure-http",
      description = "Allow plain HTTP to a registry that is not on loopback (loopback always may).")
  boolean insecureHttp;

  @Option(names = "--username", paramLabel = "NAME", description = "Registry user name.")
  String username;

  @Option(names = "--password", paramLabel = "PASSWORD", interactive = true, arity = "0..1",
      description = "Registry password; without a value it is asked for on the terminal. Prefer --password-stdin.")
  char[] password;

  @Option(names = "--password-stdin", description = "Read the registry password from standard input.")
  boolean passwordStdin;

  @Option(names = "--need-credential", paramLabel = "true|false", arity = "1", defaultValue = "true",
      description = "false: push anonymously, ignoring docker config and flags (default: ${DEFAULT-VALUE}).")
  boolean needCredential;

  @Option(names = "--docker-config", paramLabel = "FILE|DIR",
      description = "Docker config.json with credentials (auths, credsStore, credHelpers);"
          + " default: $DOCKER_CONFIG/config.json, else ~/.docker/config.json.")
  Path dockerConfig;

  @Option(names = "--chunk-size", paramLabel = "SIZE", converter = ByteSize.class,
      description = "Upload blobs in PATCH chunks of this size (e.g. 16MiB), for proxies that limit request"
          + " bodies; default: one request per blob.")
  Long chunkSize;

  /**
   * Takes from a cluster config's mirror what the flags leave unset: its {@code caCertPath} as
   * {@code --cacert}, its {@code pullCredentialConfigPath} as {@code --docker-config}, and plain HTTP
   * for an {@code http://} endpoint, as {@code --insecure-http} would allow.
   */
  void defaultsFrom(RegistryMirror mirror) {
    caCert = caCert != null ? caCert : mirror.caCertPath();
    dockerConfig = dockerConfig != null ? dockerConfig : mirror.pullCredentialConfigPath();
    insecureHttp |= mirror.plainHttp();
  }

  /** The access this process uses; warnings (e.g. for {@code --insecure}) go to {@code err}. */
  RegistryAccess access(PrintWriter err, InputStream stdin) {
    if (insecure) {
      err.println("mirrorseed: warning: --insecure: the registry's TLS certificate is not verified;"
          + " anyone on the path can read and alter what is pushed");
      err.flush();
    }
    TlsTrust tls = new TlsTrust(existing(caCert, "--cacert"), existing(certDir, "--cert-dir"), insecure);
    return new RegistryAccess(insecureHttp, tls, credentials(stdin),
        ProxyRoutes.fromEnvironment(System.getenv()), chunkSize == null ? 0 : chunkSize);
  }

  private CredentialSource credentials(InputStream stdin) {
    if (!needCredential) {
      if (username != null || password != null || passwordStdin) {
        throw new IllegalArgumentException("--need-credential=false contradicts --username/--password:"
            + " drop one of them");
      }
      return CredentialSource.anonymous();
    }
    if (password != null && passwordStdin) {
      throw new IllegalArgumentException("--password and --password-stdin both given: use one");
    }
    if ((password != null || passwordStdin) && username == null) {
      throw new IllegalArgumentException("a password needs --username");
    }
    CredentialSource docker = DockerConfigCredentials.locate(dockerConfig, Map.copyOf(System.getenv()));
    if (username == null) {
      return docker.orElse(TerminalPrompt.forCredentials());
    }
    String secret = passwordStdin ? readLine(stdin)
        : password != null ? new String(password) : TerminalPrompt.password(username);
    return CredentialSource.of(new Credential(username, secret));
  }

  private static String readLine(InputStream stdin) {
    try {
      String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
      if (line == null || line.isEmpty()) {
        throw new IllegalArgumentException("--password-stdin: standard input held no password");
      }
      return line;
    } catch (IOException e) {
      throw new UncheckedIOException("--password-stdin: cannot read standard input: " + e.getMessage(), e);
    }
  }

  private static Path existing(Path path, String flag) {
    if (path != null && !Files.exists(path)) {
      throw new IllegalArgumentException(flag + " " + path + " does not exist");
    }
    return path;
  }
}
