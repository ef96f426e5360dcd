package dev.mirrorseed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.TestKafka;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.GeneratedBundle;
import dev.mirrorseed.fixtures.GeneratedImage;
import dev.mirrorseed.fixtures.Htpasswd;
import dev.mirrorseed.fixtures.RegistryServer;
import dev.mirrorseed.fixtures.RegistryVariant;
import dev.mirrorseed.fixtures.Sha256;
import dev.mirrorseed.fixtures.Skopeo;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The other ways users hand mirrorseed a password, each through real Kafka into an htpasswd registry:
 * a docker credential helper named by config.json, the bmctl-style prompt on a terminal, a password on
 * the command line; and --need-credential=false, which ignores every one of them.
 */
class CredentialSourcesEndToEndTest {
  private static final String USER = "seeder";
  private static final String PASSWORD = "helper-pa55";
  @TempDir static Path shared;
  static GeneratedBundle bundle;
  static RegistryServer registry;

  @BeforeAll
  static void start() {
    bundle = BundleGenerator.generate(BundleSpec.of(2, 400_000), shared.resolve("bundle"));
    registry = RegistryServer.start(
        RegistryVariant.plain().withHtpasswd(Htpasswd.write(shared.resolve("htpasswd"), USER, PASSWORD)));
  }

  @AfterAll
  static void stop() {
    registry.stop();
  }

  @Test
  void takesTheCredentialFromTheHelperConfigJsonNames(@TempDir Path work) throws IOException {
    // docker's credential-helper protocol: `docker-credential-NAME get`, server on stdin, JSON on stdout.
    Path bin = Files.createDirectories(work.resolve("bin"));
    Path helper = Files.writeString(bin.resolve("docker-credential-mirrorseedtest"), """
        #!/bin/sh
        read server
        printf '{"ServerURL":"%%s","Username":"%s","Secret":"%s"}' "$server"
        """.formatted(USER, PASSWORD));
    Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path config = Files.writeString(work.resolve("config.json"),
        "{\"credHelpers\":{\"" + registry.hostPort() + "\":\"mirrorseedtest\"}}");
    String target = registry.hostPort() + "/" + namespace();

    CliRun run = CliProcess.run(work.resolve("cli"), Map.of("PATH", bin + ":" + System.getenv("PATH")),
        push(target, work, "--docker-config", config.toString()));

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertEveryImageOn(target);
  }

  @Test
  void asksForUserAndPasswordOnATerminalWhenTheRegistryChallenges(@TempDir Path work) throws Exception {
    String target = registry.hostPort() + "/" + namespace();
    Path empty = Files.writeString(work.resolve("config.json"), "{}");
    List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    java.addAll(List.of(push(target, work, "--docker-config", empty.toString())));
    // script(1) gives the command a pseudo-terminal, as an operator's shell would.
    Process terminal = new ProcessBuilder("script", "-qec", shellQuoted(java), "/dev/null")
        .redirectErrorStream(true).redirectOutput(work.resolve("terminal.log").toFile()).start();
    try (OutputStream keyboard = terminal.getOutputStream()) {
      keyboard.write((USER + "\n" + PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
    }
    assertThat(terminal.waitFor(3, TimeUnit.MINUTES)).isTrue();
    String screen = Files.readString(work.resolve("terminal.log"));

    assertThat(terminal.exitValue()).as(screen).isZero();
    assertThat(screen).contains("Username for " + registry.hostPort(), "Password for " + USER,
        "2 pushed, 2 verified, 0 failed");
    assertEveryImageOn(target);
  }

  @Test
  void takesAPasswordGivenOnTheCommandLine(@TempDir Path work) {
    String target = registry.hostPort() + "/" + namespace();

    CliRun run = CliRun.of(push(target, work, "--username", USER, "--password=" + PASSWORD));

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertEveryImageOn(target);
  }

  @Test
  void needCredentialFalseIgnoresTheDockerConfig(@TempDir Path work) throws IOException {
    Path config = Files.writeString(work.resolve("config.json"), "{\"auths\":{\"" + registry.hostPort()
        + "\":{\"auth\":\"" + java.util.Base64.getEncoder().encodeToString(
            (USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)) + "\"}}}");

    CliRun refused = CliRun.of(push(registry.hostPort() + "/" + namespace(), work,
        "--docker-config", config.toString(), "--need-credential=false"));
    CliRun anonymous = CliRun.of(push(RegistryServer.shared().hostPort() + "/" + namespace(),
        work.resolve("open"), "--docker-config", config.toString(), "--need-credential=false"));

    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCode.BAD_INPUT.code);
    assertThat(refused.err().strip().lines()).hasSize(1);
    assertThat(refused.err()).contains("needs credentials");
    assertThat(anonymous.exitCode()).as(anonymous.toString()).isZero();
  }

  private static void assertEveryImageOn(String target) {
    for (GeneratedImage image : bundle.images()) {
      String mirrored = target + "/" + image.reference().substring(image.reference().indexOf('/') + 1);
      assertThat(Sha256.of(Skopeo.inspectRaw(mirrored, USER, PASSWORD))).as(mirrored)
          .isEqualTo(image.manifestDigest());
    }
  }

  private static String[] push(String target, Path work, String... extra) {
    List<String> args = new ArrayList<>(List.of("push", "--source", bundle.layout().toString(),
        "--private-registry", target, "--bootstrap-servers", TestKafka.bootstrapServers(),
        "--workspace", work.resolve("ws").toString()));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  private static String shellQuoted(List<String> words) {
    return words.stream().map(word -> "'" + word.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
  }

  private static String namespace() {
    return "creds" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
  }
}
