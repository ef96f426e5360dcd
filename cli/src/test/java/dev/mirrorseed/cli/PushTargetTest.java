package dev.mirrorseed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirrorseed.reference.MirrorTarget;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A cluster config's mirror fills in the flags the user did not give, and only those. */
class PushTargetTest {
  @TempDir Path dir;
  private final StringWriter printed = new StringWriter();

  @Test
  void theMirrorsCaAndDockerConfigStandInForTheFlags() throws IOException {
    Files.writeString(dir.resolve("ca.crt"), "pem");
    Files.createDirectories(dir.resolve("docker"));
    Files.writeString(dir.resolve("docker/config.json"), "{}");
    Path config = clusterConfig("""
        registryMirrors:
          - endpoint: http://10.0.0.5:5000/v2/ns
            caCertPath: ca.crt
            pullCredentialConfigPath: docker/config.json
        """);
    PushCommand push = parse("--cluster-config", config.toString());

    MirrorTarget target = resolve(push);

    assertThat(target).hasToString("10.0.0.5:5000/ns");
    assertThat(push.registryOptions.caCert).isEqualTo(dir.toAbsolutePath().resolve("ca.crt"));
    assertThat(push.registryOptions.dockerConfig).isEqualTo(dir.toAbsolutePath().resolve("docker/config.json"));
    assertThat(push.registryOptions.insecureHttp).as("http:// endpoint").isTrue();
  }

  @Test
  void flagsWinOverTheClusterConfig() throws IOException {
    Path ownCa = Files.writeString(dir.resolve("own-ca.pem"), "pem");
    Path config = clusterConfig("""
        registryMirrors:
          - endpoint: https://mirror.example:5000/v2/ns
            caCertPath: /nowhere/ca.crt
            pullCredentialConfigPath: /nowhere/config.json
        """);
    PushCommand push = parse("--cluster-config", config.toString(), "--cacert", ownCa.toString(),
        "--need-credential=false");

    resolve(push);

    assertThat(push.registryOptions.caCert).isEqualTo(ownCa);
    assertThat(push.registryOptions.insecureHttp).as("https:// endpoint").isFalse();
  }

  @Test
  void severalMirrorsUseTheFirstAndSayWhich() throws IOException {
    Path config = clusterConfig("""
        registryMirrors:
          - endpoint: https://first.example:5000/v2/one
          - endpoint: https://second.example:5000/v2/two
        """);

    MirrorTarget target = resolve(parse("--cluster-config", config.toString()));

    assertThat(target).hasToString("first.example:5000/one");
    assertThat(printed.toString()).contains("https://first.example:5000/v2/one").contains("the first of 2");
  }

  @Test
  void aMissingCaCertPathIsBlamedOnTheClusterConfig() throws IOException {
    Path config = clusterConfig("""
        registryMirrors:
          - endpoint: https://mirror.example:5000
            caCertPath: /nowhere/ca.crt
        """);

    assertThatThrownBy(() -> resolve(parse("--cluster-config", config.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(config.toString())
        .hasMessageContaining("caCertPath /nowhere/ca.crt does not exist")
        .hasMessageContaining("--cacert");
  }

  private Path clusterConfig(String yaml) throws IOException {
    return Files.writeString(dir.resolve("cluster.yaml"), yaml);
  }

  private static PushCommand parse(String... flags) {
    PushCommand push = new PushCommand();
    String[] args = new String[flags.length + 2];
    args[0] = "--source";
    args[1] = "bundle";
    System.arraycopy(flags, 0, args, 2, flags.length);
    new CommandLine(push).parseArgs(args);
    return push;
  }

  private MirrorTarget resolve(PushCommand push) {
    return push.mirror.resolve(push.registryOptions, new PrintWriter(printed, true));
  }
}
