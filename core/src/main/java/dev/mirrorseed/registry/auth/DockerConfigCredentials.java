package dev.mirrorseed.registry.auth;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials from a docker {@code config.json} as docker, skopeo and bmctl read it: {@code auths},
 * {@code credsStore} and {@code credHelpers} (through jib-core's credential retrieval).
 */
public final class DockerConfigCredentials implements CredentialSource {
  private DockerConfigCredentials() {}

  /**
   * The config at {@code location} (a {@code config.json} or the directory holding it), else the one
   * {@code DOCKER_CONFIG} names in {@code environment}, else {@code ~/.docker/config.json}.
   */
  public static DockerConfigCredentials locate(Path location, Map<String, String> environment) {
    return new DockerConfigCredentials(); // reading config.json: being built (#4)
  }

  @Override
  public Optional<Credential> lookup(String registry) {
    return Optional.empty();
  }
}
