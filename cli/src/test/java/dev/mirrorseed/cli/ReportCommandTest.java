package dev.mirrorseed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorseed.TestKafka;
import dev.mirrorseed.fixtures.BundleGenerator;
import dev.mirrorseed.fixtures.BundleSpec;
import dev.mirrorseed.fixtures.GeneratedBundle;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code report}: where it reads a run from, and one line with a non-zero exit when it cannot. */
class ReportCommandTest {
  @Test
  void aRunPushedOnTheEmbeddedBrokerIsReportedFromItsWorkspace(@TempDir Path work) throws IOException {
    GeneratedBundle bundle = BundleGenerator.generate(BundleSpec.of(2, 2_000_000), work.resolve("bundle"));
    Path workspace = work.resolve("ws");
    CliRun push = CliRun.of("push", "--source", bundle.layout().toString(), "--private-registry",
        Mirror.fresh("embedded").target(), "--workspace", workspace.toString(), "--workers", "1");
    assertThat(push.exitCode()).as(push.toString()).isZero();
    String runId = push.out().lines().filter(line -> line.contains("mirrorseed report --run")).findFirst()
        .orElseThrow().replaceAll("^run (\\S+): .*", "$1");
    assertThat(push.out()).contains("mirrorseed report --run " + runId + " --workspace " + workspace);

    CliRun report = CliRun.of("report", "--run", runId, "--workspace", workspace.toString(),
        "--json", work.resolve("report.json").toString());

    assertThat(report.exitCode()).as(report.toString()).isZero();
    assertThat(report.out()).contains("2 pushed, 2 verified, 0 failed");
    JsonNode json = new ObjectMapper().readTree(work.resolve("report.json").toFile());
    assertThat(json.get("runId").asText()).isEqualTo(runId);
    assertThat(json.at("/plan/images").asInt()).isEqualTo(2);
  }

  @Test
  void aRunTheTopicsDoNotHoldIsBadInputNamingWhereItLooked(@TempDir Path work) {
    String prefix = "none" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);

    CliRun run = CliRun.of("report", "--run", "20260101-000000-dead", "--bootstrap-servers",
        TestKafka.bootstrapServers(), "--topic-prefix", prefix, "--html", work.resolve("r.html").toString());

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.err()).contains("no event of run 20260101-000000-dead on " + prefix + ".results or " + prefix
        + ".audit");
    assertThat(work.resolve("r.html")).doesNotExist();
  }

  @Test
  void needsAClusterOrAWorkspaceButNotBoth(@TempDir Path work) throws IOException {
    CliRun neither = CliRun.of("report", "--run", "r");
    CliRun both = CliRun.of("report", "--run", "r", "--bootstrap-servers", "127.0.0.1:1", "--workspace",
        work.toString());
    Files.createDirectories(work.resolve("empty"));
    CliRun noKafka = CliRun.of("report", "--run", "r", "--workspace", work.resolve("empty").toString());

    assertThat(neither.exitCode()).isEqualTo(2);
    assertThat(neither.err()).contains("--bootstrap-servers is required");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("give --workspace or --bootstrap-servers, not both");
    assertThat(noKafka.exitCode()).isEqualTo(2);
    assertThat(noKafka.err()).contains("no embedded Kafka in " + work.resolve("empty"));
  }

  @Test
  void unreachableKafkaFailsWithinSecondsNamingIt() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    long started = System.nanoTime();

    CliRun run = CliRun.of("report", "--run", "r", "--bootstrap-servers", "127.0.0.1:" + closedPort);

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
    assertThat(run.err()).contains("Kafka at 127.0.0.1:" + closedPort);
  }
}
