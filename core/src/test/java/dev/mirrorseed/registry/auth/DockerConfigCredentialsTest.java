package dev.mirrorseed.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * config.json as docker and skopeo write it. Credential helpers are found on the PATH of the JVM (the
 * JDK looks programs up on its own PATH, not the child's), so those tests run the lookup in a child JVM
 * whose PATH holds a helper script of the test's own.
 */
class DockerConfigCredentialsTest {
  private static final String REGISTRY = "127.0.0.1:5999";
  @TempDir Path dir;

  @Test
  void readsBase64AuthOfAuths() throws IOException {
    String auth = Base64.getEncoder().encodeToString("seeder:pa:ss".getBytes(StandardCharsets.UTF_8));
    Path config = write("config.json", "{\"auths\":{\"" + REGISTRY + "\":{\"auth\":\"" + auth + "\"}}}");

    assertThat(DockerConfigCredentials.locate(config, Map.of()).lookup(REGISTRY))
        .hasValue(new Credential("seeder", "pa:ss"));
  }

  @Test
  void readsUsernameAndPasswordOfAuthsFromTheDirectoryGiven() throws IOException {
    write("config.json", "{\"auths\":{\"https://" + REGISTRY + "\":{\"username\":\"seeder\",\"password\":\"pw\"}}}");

    assertThat(DockerConfigCredentials.locate(dir, Map.of()).lookup(REGISTRY)).hasValue(new Credential("seeder", "pw"));
  }

  @Test
  void withoutAFlagReadsDockerConfigThenHome() throws IOException {
    Files.createDirectories(dir.resolve("dc"));
    Files.createDirectories(dir.resolve("home/.docker"));
    write("dc/config.json", "{\"auths\":{\"" + REGISTRY + "\":{\"username\":\"from-docker-config\",\"password\":\"a\"}}}");
    write("home/.docker/config.json", "{\"auths\":{\"" + REGISTRY + "\":{\"username\":\"from-home\",\"password\":\"b\"}}}");
    String home = dir.resolve("home").toString();

    assertThat(DockerConfigCredentials.locate(null, Map.of("DOCKER_CONFIG", dir.resolve("dc").toString(), "HOME", home))
        .lookup(REGISTRY)).map(Credential::username).hasValue("from-docker-config");
    assertThat(DockerConfigCredentials.locate(null, Map.of("HOME", home)).lookup(REGISTRY))
        .map(Credential::username).hasValue("from-home");
  }

  @Test
  void missingDefaultFileMeansNoCredentialsAndNoError() {
    DockerConfigCredentials none = DockerConfigCredentials.locate(null, Map.of("HOME", dir.toString()));

    assertThat(none.lookup(REGISTRY)).isEmpty();
    assertThat(none.file()).isEqualTo(dir.resolve(".docker/config.json"));
  }

  @Test
  void otherRegistriesEntriesGiveNothing() throws IOException {
    Path config = write("config.json", "{\"auths\":{\"other.example:5000\":{\"username\":\"u\",\"password\":\"p\"}}}");

    assertThat(DockerConfigCredentials.locate(config, Map.of()).lookup(REGISTRY)).isEmpty();
  }

  @Test
  void missingExplicitFileIsAOneLineError() {
    Path missing = dir.resolve("nowhere/config.json");

    assertThatThrownBy(() -> DockerConfigCredentials.locate(missing, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("docker config " + missing + " does not exist: give --docker-config a config.json or the"
            + " directory holding one");
  }

  @Test
  void brokenJsonIsAnErrorNotAnonymousAccess() throws IOException {
    Path config = write("config.json", "{\"auths\": {");

    assertThatThrownBy(() -> DockerConfigCredentials.locate(config, Map.of()).lookup(REGISTRY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("docker config " + config + " is not valid JSON (")
        .hasMessageNotContaining("\n");
  }

  @Test
  void credHelpersRunTheHelperFromThePath() throws Exception {
    Path config = write("config.json", "{\"credHelpers\":{\"" + REGISTRY + "\":\"mirrorseedtest\"}}");

    assertThat(lookupInChildJvm(config, REGISTRY)).isEqualTo("helper-user:helper-secret");
    assertThat(lookupInChildJvm(config, "elsewhere.example:5000")).isEqualTo("none");
  }

  @Test
  void credsStoreServesTheRegistriesListedInAuths() throws Exception {
    Path config = write("config.json", "{\"auths\":{\"" + REGISTRY + "\":{}},\"credsStore\":\"mirrorseedtest\"}");

    assertThat(lookupInChildJvm(config, REGISTRY)).isEqualTo("helper-user:helper-secret");
  }

  /** Runs {@link #main} in a JVM whose PATH starts with a directory holding docker-credential-mirrorseedtest. */
  private String lookupInChildJvm(Path config, String registry) throws IOException, InterruptedException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path helper = bin.resolve("docker-credential-mirrorseedtest");
    Files.writeString(helper, String.join("\n",
        "#!/bin/sh",
        "read server",
        "if [ \"$1\" = get ] && [ \"$server\" = \"" + REGISTRY + "\" ]; then",
        "  printf '{\"ServerURL\":\"%s\",\"Username\":\"helper-user\",\"Secret\":\"helper-secret\"}' \"$server\"",
        "else",
        "  echo 'credentials not found in native keychain'; exit 1",
        "fi", ""));
    Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
    ProcessBuilder child = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), DockerConfigCredentialsTest.class.getName(),
        config.toString(), registry));
    Map<String, String> environment = new HashMap<>(child.environment());
    child.environment().put("PATH", bin + ":" + environment.getOrDefault("PATH", "/usr/bin:/bin"));
    Process process = child.redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new AssertionError("credential lookup in a child JVM failed: " + output);
    }
    // SLF4J may warn about a missing binding before the answer: the answer is the last line.
    List<String> lines = output.lines().toList();
    return lines.get(lines.size() - 1);
  }

  public static void main(String[] args) {
    Optional<Credential> found = DockerConfigCredentials.locate(Path.of(args[0]), System.getenv()).lookup(args[1]);
    System.out.println(found.map(c -> c.username() + ":" + c.password()).orElse("none"));
  }

  private Path write(String name, String json) throws IOException {
    return Files.writeString(dir.resolve(name), json);
  }
}
