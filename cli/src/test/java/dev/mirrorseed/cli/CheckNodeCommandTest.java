package dev.mirrorseed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mirrorseed check-node}: one line per registry, then warnings and errors; the exit status says if all is mirrored. */
class CheckNodeCommandTest {
  @TempDir Path dir;

  @Test
  void exitsZeroWhenEveryAskedRegistryIsMirrored() throws IOException {
    Path config = Files.writeString(dir.resolve("config.toml"), """
        version = 2
        [plugins."io.containerd.grpc.v1.cri".registry.mirrors."gcr.io"]
          endpoint = ["https://10.0.0.5:5000/v2/ns"]
        """);

    CliRun run = CliRun.of("check-node", "--config", config.toString());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).isEqualTo(config + ": version 2, no config_path, registry.mirrors for gcr.io\n"
        + "gcr.io: mirrored by registry.mirrors.\"gcr.io\" of " + config + " (deprecated): https://10.0.0.5:5000/v2/ns,"
        + " then https://gcr.io\n");
  }

  @Test
  void exitsOneWhenAnAskedRegistryIsNotMirrored() throws IOException {
    Path certs = Files.createDirectories(dir.resolve("certs.d/gcr.io"));
    Files.writeString(certs.resolve("hosts.toml"), "[host.\"https://10.0.0.5:5000/v2/ns\"]\n  override_path = true\n");
    Path config = Files.writeString(dir.resolve("config.toml"), "version = 2\n");

    CliRun run = CliRun.of("check-node", "--config", config.toString(), "--hosts-dir", dir.resolve("certs.d").toString(),
        "--hosts", "gcr.io,quay.io");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.NOT_MIRRORED.code);
    assertThat(run.out()).contains(
        "gcr.io: mirrored by " + certs.resolve("hosts.toml") + ": https://10.0.0.5:5000/v2/ns (pull, resolve, push),"
            + " then https://gcr.io\n",
        "quay.io: not mirrored: no quay.io/hosts.toml (nor _default) under " + dir.resolve("certs.d")
            + "; pulls go to https://quay.io\n",
        "warning: " + config + " sets no config_path");
  }

  @Test
  void aMissingOrBrokenConfigIsBadInput() throws IOException {
    Path broken = Files.writeString(dir.resolve("broken.toml"), "[plugins\n");

    CliRun missing = CliRun.of("check-node", "--config", dir.resolve("none.toml").toString());
    CliRun unreadable = CliRun.of("check-node", "--config", broken.toString());

    assertThat(missing.exitCode()).isEqualTo(ExitCode.BAD_INPUT.code);
    assertThat(missing.err()).isEqualTo("mirrorseed: containerd config " + dir.resolve("none.toml") + " does not exist:"
        + " give --config the node's config.toml (the file its containerd --config names; default"
        + " /etc/containerd/config.toml)\n");
    assertThat(unreadable.exitCode()).isEqualTo(ExitCode.BAD_INPUT.code);
    assertThat(unreadable.err()).startsWith("mirrorseed: containerd config " + broken + " is not valid TOML (")
        .endsWith("); containerd would not start with it either\n");
  }
}
