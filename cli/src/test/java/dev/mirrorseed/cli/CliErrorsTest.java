package dev.mirrorseed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.RegistryServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Wrong input gets one line naming the problem and a non-zero exit, never a stack trace. */
class CliErrorsTest {
  @Test
  void unreachableRegistryFailsWithinSecondsNamingIt(@TempDir Path work) throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    long started = System.nanoTime();

    CliRun run = CliRun.of("push", "--source", work.toString(), "--private-registry",
        "127.0.0.1:" + closedPort + "/ns", "--workspace", work.resolve("ws").toString());

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.err()).contains("127.0.0.1:" + closedPort).contains("unreachable");
  }

  @Test
  void unreachableKafkaFailsWithinSecondsNamingIt(@TempDir Path work) throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Path bundle = BundleGenerator.generate(BundleSpec.of(1, 100_000), work.resolve("bundle")).layout();
    long started = System.nanoTime();

    CliRun run = CliRun.of("push", "--source", bundle.toString(), "--private-registry",
        RegistryServer.shared().hostPort() + "/ns", "--bootstrap-servers", "127.0.0.1:" + closedPort,
        "--workspace", work.resolve("ws").toString());

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.err()).contains("Kafka at 127.0.0.1:" + closedPort).contains("--bootstrap-servers");
  }

  @Test
  void aBrokerOnATakenOrImpossiblePortSaysSoInOneLine(@TempDir Path work) throws IOException {
    try (ServerSocket taken = new ServerSocket(0)) {
      CliRun inUse = CliRun.of("broker", "--workspace", work.resolve("ws").toString(),
          "--port", Integer.toString(taken.getLocalPort()));

      assertThat(inUse.exitCode()).isEqualTo(3);
      assertThat(inUse.err().strip().lines()).hasSize(1);
      assertThat(inUse.err()).contains("port " + taken.getLocalPort() + " on 127.0.0.1 is already in use");
    }
    CliRun impossible = CliRun.of("broker", "--workspace", work.resolve("ws").toString(), "--port", "99999");

    assertThat(impossible.exitCode()).isEqualTo(2);
    assertThat(impossible.err().strip()).isEqualTo("mirrorseed: --port must be 0 (a free port) or 1-65535, got 99999");
  }

  @Test
  void missingSourceFailsNamingThePath(@TempDir Path work) {
    Path missing = work.resolve("no-such-bundle.tar");

    CliRun run = CliRun.of("push", "--source", missing.toString(), "--private-registry",
        "127.0.0.1:5000", "--workspace", work.resolve("ws").toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.err()).contains(missing.toString()).contains("does not exist");
  }

  @Test
  void missingRequiredFlagNamesIt() {
    CliRun run = CliRun.of("push", "--private-registry", "127.0.0.1:5000");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--source");
  }

  @Test
  void malformedPrivateRegistryIsRefused(@TempDir Path work) {
    CliRun run = CliRun.of("push", "--source", work.toString(), "--private-registry", "host:port:x/Bad");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--private-registry");
  }

  @Test
  void verifyTellsABundleCheckFromARunCheck(@TempDir Path work) {
    CliRun both = CliRun.of("verify", "--source", work.toString(), "--private-registry", "127.0.0.1:5000",
        "--run", "some-run");
    CliRun mirrorWithoutBundle = CliRun.of("verify", "--private-registry", "127.0.0.1:5000", "--run", "some-run");
    CliRun neither = CliRun.of("verify");

    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err().strip()).isEqualTo("mirrorseed: verify: --run does not go here: --source checks the mirror"
        + " against the bundle directly, without Kafka");
    assertThat(mirrorWithoutBundle.exitCode()).isEqualTo(2);
    assertThat(mirrorWithoutBundle.err()).contains("--private-registry does not go here: they go with --source");
    assertThat(neither.exitCode()).isEqualTo(2);
    assertThat(neither.err()).contains("give --source BUNDLE to check the mirror against a bundle, or"
        + " --bootstrap-servers");
  }
}
