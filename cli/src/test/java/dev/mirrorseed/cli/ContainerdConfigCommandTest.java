package dev.mirrorseed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mirrorseed containerd-config}: which mirror it takes from which flags, what it prints, how it refuses. */
class ContainerdConfigCommandTest {
  @TempDir Path dir;
  Path ca;
  Path out;

  @BeforeEach
  void files() throws IOException {
    ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    out = dir.resolve("out");
  }

  @Test
  void printsEachFileItWroteAndWhatItIsFor() {
    CliRun run = CliRun.of("containerd-config", "--private-registry", "https://10.0.0.5:5000/v2/ns", "--cacert",
        ca.toString(), "--hosts", "somehost.io", "--out", out.toString());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).isEqualTo(String.join("\n",
        "mirror https://10.0.0.5:5000/v2/ns (images under 10.0.0.5:5000/ns) for gcr.io, somehost.io",
        "wrote " + out.resolve("certs.d/gcr.io/hosts.toml") + ": gcr.io pulls from https://10.0.0.5:5000/v2/ns,"
            + " then https://gcr.io",
        "wrote " + out.resolve("certs.d/somehost.io/hosts.toml") + ": somehost.io pulls from"
            + " https://10.0.0.5:5000/v2/ns, then https://somehost.io",
        "wrote " + out.resolve("certs.d/10.0.0.5:5000/ca.crt") + ": the mirror's CA (" + ca + "),"
            + " /etc/containerd/certs.d/10.0.0.5:5000/ca.crt on the nodes",
        "wrote " + out.resolve("config_path.toml") + ": merge into config.toml: config_path = \"/etc/containerd/certs.d\"",
        "wrote " + out.resolve("legacy-mirrors.toml") + ": or, deprecated, for a config.toml without config_path:"
            + " registry.mirrors and registry.configs",
        "wrote " + out.resolve("registry-mirrors.yaml") + ": the registryMirrors block of bmctl's cluster config",
        "on each node: copy " + out.resolve("certs.d") + " to /etc/containerd/certs.d and merge "
            + out.resolve("config_path.toml") + " into /etc/containerd/config.toml, then restart containerd; or give"
            + " bmctl the block in " + out.resolve("registry-mirrors.yaml"),
        ""));
    assertThat(out.resolve("certs.d/gcr.io/hosts.toml")).isRegularFile();
  }

  @Test
  void takesThePushFormWithoutSchemeAsHttpsWithTheNamespaceUnderV2() throws IOException {
    for (String form : new String[] {"10.0.0.5:5000/ns", "10.0.0.5:5000/v2/ns", "https://10.0.0.5:5000/v2/ns/"}) {
      CliRun run = CliRun.of("containerd-config", "--private-registry", form, "--out", out.toString());

      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(Files.readString(out.resolve("certs.d/gcr.io/hosts.toml")))
          .as(form).contains("[host.\"https://10.0.0.5:5000/v2/ns\"]\n", "override_path = true");
    }
  }

  @Test
  void putsTheDockerConfigsCredentialsForTheMirrorIntoTheConfigTomlSnippets() throws IOException {
    String auth = Base64.getEncoder().encodeToString("seeder:s3cret".getBytes(StandardCharsets.UTF_8));
    Path config = Files.writeString(dir.resolve("config.json"), "{\"auths\":{\"10.0.0.5:5000\":{\"auth\":\"" + auth + "\"}}}");

    CliRun run = CliRun.of("containerd-config", "--private-registry", "10.0.0.5:5000/ns", "--docker-config",
        config.toString(), "--out", out.toString());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).doesNotContain(auth, "s3cret")
        .contains("config_path = \"/etc/containerd/certs.d\" and the mirror's credentials (hosts.toml cannot hold them)");
    assertThat(Files.readString(out.resolve("config_path.toml")))
        .contains("[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"10.0.0.5:5000\".auth]\n  auth = \"" + auth + "\"\n");
    assertThat(Files.readString(out.resolve("registry-mirrors.yaml"))).contains("pullCredentialConfigPath: " + config);
  }

  @Test
  void takesTheFirstMirrorOfABmctlClusterConfigWithItsCaAndHosts() throws IOException {
    Path cluster = Files.writeString(dir.resolve("cluster.yaml"), """
        registryMirrors:
          - endpoint: https://172.18.0.20:5000/v2/test-namespace
            caCertPath: ca.pem
            hosts:
              - somehost.io
          - endpoint: https://172.18.0.21:5000
        """);

    CliRun run = CliRun.of("containerd-config", "--cluster-config", cluster.toString(), "--out", out.toString());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).startsWith(cluster + " lists 2 registryMirrors: writing the first,"
        + " https://172.18.0.20:5000/v2/test-namespace\nmirror https://172.18.0.20:5000/v2/test-namespace (images under"
        + " 172.18.0.20:5000/test-namespace) for gcr.io, somehost.io\n");
    assertThat(out.resolve("certs.d/172.18.0.20:5000/ca.crt")).hasSameTextualContentAs(ca);
    assertThat(out.resolve("certs.d/somehost.io/hosts.toml")).isRegularFile();
  }

  @Test
  void refusesWhatItCannotWriteInOneLine() throws IOException {
    Path empty = Files.writeString(dir.resolve("config.json"), "{}");
    String[][] cases = {
        {"no mirror: give --private-registry https://HOST:PORT/v2/NAMESPACE (or HOST:PORT[/NAMESPACE]) or"
            + " --cluster-config FILE", "--out", out.toString()},
        {"--private-registry and --cluster-config both name the mirror: give one", "--private-registry", "h:5000",
            "--cluster-config", "c.yaml", "--out", out.toString()},
        {"mirror http://10.0.0.5:5000/v2/ns is plain HTTP, which a CA cannot secure: use its https:// endpoint or"
            + " drop --cacert", "--private-registry", "http://10.0.0.5:5000/v2/ns", "--cacert", ca.toString(), "--out",
            out.toString()},
        {"--cacert " + dir.resolve("nope.pem") + " does not exist: give the mirror's CA certificate (PEM)",
            "--private-registry", "h:5000", "--cacert", dir.resolve("nope.pem").toString(), "--out", out.toString()},
        {"docker config " + empty + " has no credentials for h:5000: log in to the mirror (docker login h:5000) or"
            + " leave out --docker-config", "--private-registry", "h:5000", "--docker-config", empty.toString(), "--out",
            out.toString()},
        {"mirrored registry '../etc' is not a registry name like somehost.io or registry.local:5000",
            "--private-registry", "h:5000", "--hosts", "../etc", "--out", out.toString()},
        {"--config-path certs.d is relative: give the absolute path the nodes keep certs.d at, e.g."
            + " /etc/containerd/certs.d", "--private-registry", "h:5000", "--config-path", "certs.d", "--out",
            out.toString()},
    };
    for (String[] c : cases) {
      String[] args = new String[c.length];
      args[0] = "containerd-config";
      System.arraycopy(c, 1, args, 1, c.length - 1);

      CliRun run = CliRun.of(args);

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.BAD_INPUT.code);
      assertThat(run.err()).isEqualTo("mirrorseed: " + c[0] + "\n");
    }
    assertThat(out).doesNotExist();
  }
}
