package dev.mirrorseed.registry.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.frontend.CredentialRetrieverFactory;
import com.google.cloud.tools.jib.registry.credentials.CredentialRetrievalException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Credentials from a docker {@code config.json} as docker, skopeo and bmctl read it: {@code auths}
 * ({@code auth} as base64 {@code user:password}, or {@code username} and {@code password}),
 * {@code credsStore} and {@code credHelpers} (a {@code docker-credential-NAME} program on the PATH),
 * through jib-core's credential retrieval. Read when a registry first asks, not before.
 */
public final class DockerConfigCredentials implements CredentialSource {
  private static final Logger LOG = LoggerFactory.getLogger(DockerConfigCredentials.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Map<String, String> environment;

  private DockerConfigCredentials(Path file, Map<String, String> environment) {
    this.file = file;
    this.environment = Map.copyOf(environment);
  }

  /**
   * The config at {@code location} (a {@code config.json} or the directory holding it), else the one
   * {@code DOCKER_CONFIG} names in {@code environment}, else {@code $HOME/.docker/config.json}. A missing
   * default file means no credentials; a missing {@code location} is an error.
   *
   * @param environment the process environment: {@code DOCKER_CONFIG}, {@code HOME}, and what
   *     credential helpers run with
   * @throws IllegalArgumentException when {@code location} is given and holds no config.json
   */
  public static DockerConfigCredentials locate(Path location, Map<String, String> environment) {
    if (location != null) {
      Path file = Files.isDirectory(location) ? location.resolve("config.json") : location;
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("docker config " + file + " does not exist: give --docker-config a"
            + " config.json or the directory holding one");
      }
      return new DockerConfigCredentials(file, environment);
    }
    String dockerConfig = environment.get("DOCKER_CONFIG");
    if (dockerConfig != null && !dockerConfig.isBlank()) {
      return new DockerConfigCredentials(Path.of(dockerConfig, "config.json"), environment);
    }
    String home = environment.getOrDefault("HOME", System.getProperty("user.home"));
    return new DockerConfigCredentials(Path.of(home, ".docker", "config.json"), environment);
  }

  /** The file this reads, whether or not it exists. */
  public Path file() {
    return file;
  }

  /**
   * @throws IllegalArgumentException when the file is not JSON or a credential helper fails outright;
   *     a helper that does not know the registry only means no credential
   */
  @Override
  public Optional<Credential> lookup(String registry) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      // jib skips a config it cannot parse, and anonymous access would then fail far from the cause.
      JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException("docker config " + file + " is not valid JSON (" + oneLine(e.getMessage())
          + "): fix it, or name another with --docker-config");
    }
    try {
      return CredentialRetrieverFactory.forImage(ImageReference.of(registry, "mirrorseed", null), this::log, environment)
          .dockerConfig(file)
          .retrieve()
          .map(found -> credential(found, registry));
    } catch (CredentialRetrievalException e) {
      throw new IllegalArgumentException("cannot get the credentials for " + registry + " from docker config " + file
          + " (" + oneLine(e.getMessage()) + "): fix its credsStore/credHelpers entry or log in again");
    }
  }

  private Credential credential(com.google.cloud.tools.jib.api.Credential found, String registry) {
    if (found.getUsername() == null || found.getUsername().isEmpty() || found.getPassword() == null) {
      throw new IllegalArgumentException("docker config " + file + " has an entry for " + registry
          + " without a user name or password: log in again (docker login / skopeo login)");
    }
    return new Credential(found.getUsername(), found.getPassword());
  }

  // jib says which helper it tried and why one failed; that is worth a line, the rest is noise.
  private void log(LogEvent event) {
    if (event.getLevel() == LogEvent.Level.WARN || event.getLevel() == LogEvent.Level.ERROR) {
      LOG.warn("docker config {}: {}", file, event.getMessage());
    } else {
      LOG.debug("docker config {}: {}", file, event.getMessage());
    }
  }

  private static String oneLine(String message) {
    return message == null ? "no detail" : message.replaceAll("\\s+", " ").strip();
  }
}
