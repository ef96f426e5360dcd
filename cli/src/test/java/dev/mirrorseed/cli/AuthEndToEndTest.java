package dev.mirrorseed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.TestKafka;
import dev.mirrorseed.TopicContents;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.GeneratedBundle;
import dev.mirrorseed.fixtures.GeneratedImage;
import dev.mirrorseed.fixtures.Htpasswd;
import dev.mirrorseed.fixtures.RegistryRequests;
import dev.mirrorseed.fixtures.RegistryServer;
import dev.mirrorseed.fixtures.RegistryVariant;
import dev.mirrorseed.fixtures.Sha256;
import dev.mirrorseed.fixtures.Skopeo;
import dev.mirrorseed.fixtures.TokenIssuer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes through real Kafka into registries that want a password (htpasswd) or tokens (a token
 * service), with credentials as users give them: --username with --password-stdin, or a docker
 * config.json. What landed is read back with skopeo; what the registry saw, from its own access log.
 */
class AuthEndToEndTest {
  private static final String USER = "seeder";
  private static final String PASSWORD = "e2e-pa55word";
  @TempDir static Path shared;
  static GeneratedBundle bundle;
  static RegistryServer htpasswdRegistry;
  static TokenIssuer issuer;
  static RegistryServer tokenRegistry;

  @BeforeAll
  static void start() {
    bundle = BundleGenerator.generate(BundleSpec.of(3, 600_000), shared.resolve("bundle"));
    htpasswdRegistry = RegistryServer.start(
        RegistryVariant.plain().withHtpasswd(Htpasswd.write(shared.resolve("htpasswd"), USER, PASSWORD)));
    issuer = TokenIssuer.start(shared.resolve("issuer"), USER, PASSWORD);
    tokenRegistry = RegistryServer.start(issuer.registryVariant());
  }

  @AfterAll
  static void stop() {
    htpasswdRegistry.stop();
    tokenRegistry.stop();
    issuer.close();
  }

  @Test
  void pushesWithThePasswordFromStdinToAnHtpasswdRegistry(@TempDir Path work) {
    String target = htpasswdRegistry.hostPort() + "/" + namespace();

    CliRun run = CliRun.withStdin(PASSWORD + "\n", push(target, work, "--username", USER, "--password-stdin"));

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("3 pushed, 3 verified, 0 failed");
    for (GeneratedImage image : bundle.images()) {
      assertThat(Sha256.of(Skopeo.inspectRaw(mirrored(target, image), USER, PASSWORD))).isEqualTo(image.manifestDigest());
    }
  }

  @Test
  void pushesToATokenRegistryWithADockerConfig(@TempDir Path work) throws IOException {
    String target = tokenRegistry.hostPort() + "/" + namespace();
    Path config = Files.writeString(work.resolve("config.json"), "{\"auths\":{\"" + tokenRegistry.hostPort()
        + "\":{\"auth\":\"" + base64(USER + ":" + PASSWORD) + "\"}}}");
    int tokensBefore = issuer.requests();
    RegistryRequests requests = RegistryRequests.since(tokenRegistry, "mirrorseed");

    CliRun run = CliRun.of(push(target, work, "--docker-config", config.toString()));

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("3 pushed, 3 verified, 0 failed");
    // Tokens are per scope set and reused: far fewer fetches than registry requests, almost no refusals.
    // Per repository at most three scope sets: push, the verifier's pull, and a mount's push + pull of
    // the repository mounted from; plus one for the ping.
    int tokens = issuer.requests() - tokensBefore;
    assertThat(tokens).as("token fetches").isLessThanOrEqualTo(1 + 3 * bundle.images().size());
    assertThat(requests.count()).isGreaterThan(5L * tokens);
    assertThat(requests.withStatus(401)).as("%s", requests.lines()).isEqualTo(1);
    for (GeneratedImage image : bundle.images()) {
      assertThat(Sha256.of(Skopeo.inspectRaw(mirrored(target, image), USER, PASSWORD))).isEqualTo(image.manifestDigest());
    }
  }

  @Test
  void wrongPasswordStopsTheRunAtItsStartWithOneLineAfterTwoRequests(@TempDir Path work) {
    RegistryRequests requests = RegistryRequests.since(htpasswdRegistry, "mirrorseed");

    CliRun run = CliRun.withStdin("not-the-password\n",
        push(htpasswdRegistry.hostPort() + "/" + namespace(), work, "--username", USER, "--password-stdin"));

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.BAD_INPUT.code);
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.err().strip()).isEqualTo("mirrorseed: registry " + htpasswdRegistry.hostPort()
        + " refused the credentials of user " + USER + ": check --username/--password or the docker config");
    assertThat(requests.count()).isLessThanOrEqualTo(2);
    assertThat(run.out()).doesNotContain("pushed");
  }

  @Test
  void missingCredentialsSayHowToGiveThemInOneLine(@TempDir Path work) throws IOException {
    Path empty = Files.writeString(work.resolve("config.json"), "{}");

    CliRun run = CliRun.of(push(htpasswdRegistry.hostPort() + "/" + namespace(), work,
        "--docker-config", empty.toString()));

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.BAD_INPUT.code);
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.err()).contains("registry " + htpasswdRegistry.hostPort() + " needs credentials",
        "--username with --password-stdin", "--docker-config");
  }

  @Test
  void noSecretReachesKafkaTheReportOrTheTerminal(@TempDir Path work) throws IOException {
    String prefix = "authsecrets" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    Path report = work.resolve("report.json");
    int tokensBefore = issuer.issuedTokens().size();

    CliRun run = CliRun.withStdin(PASSWORD + "\n", push(tokenRegistry.hostPort() + "/" + namespace(), work,
        "--username", USER, "--password-stdin", "--topic-prefix", prefix, "--report", report.toString()));

    assertThat(run.exitCode()).as(run.toString()).isZero();
    List<String> tokens = issuer.issuedTokens().subList(tokensBefore, issuer.issuedTokens().size());
    assertThat(tokens).isNotEmpty();
    List<String> secrets = new ArrayList<>(List.of(PASSWORD, base64(USER + ":" + PASSWORD)));
    secrets.addAll(tokens);
    List<String> records = TopicContents.raw(TestKafka.bootstrapServers(),
        List.of(prefix + ".requests", prefix + ".results", prefix + ".audit"));
    assertThat(records).hasSizeGreaterThanOrEqualTo(3 * bundle.images().size());
    String everything = String.join("\n", records) + run.out() + run.err() + Files.readString(report);
    for (String secret : secrets) {
      assertThat(everything).doesNotContain(secret);
    }
  }

  private static String[] push(String target, Path work, String... extra) {
    List<String> args = new ArrayList<>(List.of("push", "--source", bundle.layout().toString(),
        "--private-registry", target, "--bootstrap-servers", TestKafka.bootstrapServers(),
        "--workspace", work.resolve("ws").toString()));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  private static String mirrored(String target, GeneratedImage image) {
    return target + "/" + image.reference().substring(image.reference().indexOf('/') + 1);
  }

  private static String namespace() {
    return "auth" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
