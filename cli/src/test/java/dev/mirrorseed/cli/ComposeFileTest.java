package dev.mirrorseed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import picocli.CommandLine.ParseResult;

/**
 * docker-compose.yml cannot run here (no Docker engine), so it is held to the CLI and to cli/pom.xml:
 * every command it runs parses with the real command line, the images are the one jib builds, and
 * the producer writes its staging store where the workers read it.
 */
class ComposeFileTest {
  private static final Path COMPOSE = Path.of("..", "docker-compose.yml");
  private static final Path CLI_POM = Path.of("pom.xml");
  private static JsonNode services;
  private static JsonNode volumes;

  @BeforeAll
  static void parse() throws IOException {
    JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(COMPOSE.toFile());
    services = compose.required("services");
    volumes = compose.path("volumes");
  }

  @Test
  void runsKafkaARegistryAProducerWorkersAndAVerifier() {
    assertThat(services.fieldNames()).toIterable()
        .containsExactlyInAnyOrder("kafka", "registry", "producer", "worker", "verifier");
    assertThat(image("kafka")).startsWith("apache/kafka:");
    assertThat(image("registry")).isEqualTo("registry:2");
  }

  @Test
  void mirrorseedServicesRunTheImageJibBuilds() throws Exception {
    String jibImage = jibImageName();

    for (String service : List.of("producer", "worker", "verifier")) {
      assertThat(image(service)).as(service).isEqualTo(jibImage);
    }
  }

  @Test
  void everyCommandParsesWithTheCli() {
    assertThat(command("producer").commandSpec().name()).isEqualTo("produce");
    assertThat(command("worker").commandSpec().name()).isEqualTo("work");
    assertThat(command("verifier").commandSpec().name()).isEqualTo("verify");
  }

  @Test
  void everyProcessMeetsOnTheKafkaServiceAndPushesToTheRegistryService() {
    for (String service : List.of("producer", "worker", "verifier")) {
      String bootstrap = command(service).matchedOptionValue("--bootstrap-servers", "");
      assertThat(bootstrap).as(service).isEqualTo("kafka:9092");
    }
    assertThat(env("kafka", "KAFKA_ADVERTISED_LISTENERS")).isEqualTo("PLAINTEXT://kafka:9092");
    String mirror = command("producer").matchedOptionValue("--private-registry", "");
    assertThat(mirror).startsWith("registry:5000/");
    for (String reachesRegistry : List.of("worker", "verifier")) {
      // registry:5000 is no loopback address: plain HTTP must be allowed.
      assertThat(command(reachesRegistry).hasMatchedOption("--insecure-http")).as(reachesRegistry).isTrue();
    }
  }

  @Test
  void kafkaIsOneKraftNodeWithInternalTopicsOfOneReplica() {
    assertThat(env("kafka", "KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
    for (String factor : List.of("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR")) {
      assertThat(env("kafka", factor)).as(factor).isEqualTo("1");
    }
  }

  @Test
  void theProducerStagesIntoAVolumeTheWorkersReadAtTheSamePath() {
    Path staging = command("producer").matchedOptionValue("--staging", null);
    assertThat(staging).as("--staging").isNotNull();

    Mount produced = mountAt("producer", staging.toString()).orElseThrow(
        () -> new AssertionError("producer mounts nothing at --staging " + staging));
    Mount read = mountAt("worker", staging.toString()).orElseThrow(
        () -> new AssertionError("worker mounts nothing at " + staging + ", where requests say blobs are"));

    assertThat(produced.type()).isEqualTo("volume");
    assertThat(read.source()).isEqualTo(produced.source());
    assertThat(volumes.has(produced.source())).as("named volume " + produced.source() + " declared").isTrue();
    assertThat(produced.readOnly()).isFalse();
  }

  @Test
  void theBundleIsMountedWhereSourcePointsForTheProducerAndTheWorkers() {
    Path source = command("producer").matchedOptionValue("--source", null);

    Mount bundle = mountAt("producer", source.toString()).orElseThrow(
        () -> new AssertionError("producer mounts nothing at --source " + source));

    // A layout directory is pushed from where it is: the workers read it at the same path.
    assertThat(mountAt("worker", source.toString())).contains(bundle);
    assertThat(bundle.readOnly()).isTrue();
  }

  @Test
  void workersScaleWithoutAContainerNameOrAHostPort() {
    JsonNode worker = services.required("worker");

    assertThat(worker.has("container_name")).isFalse();
    assertThat(worker.has("ports")).isFalse();
    assertThat(worker.has("deploy") && worker.get("deploy").has("replicas")).as("replicas fixed").isFalse();
  }

  private static String image(String service) {
    return services.required(service).required("image").asText();
  }

  private static String env(String service, String name) {
    return services.required(service).required("environment").required(name).asText();
  }

  /** The service's command as picocli parses it: the subcommand's parse result. */
  private static ParseResult command(String service) {
    List<String> args = new ArrayList<>();
    services.required(service).required("command").forEach(arg -> args.add(arg.asText()));
    ParseResult parsed = Main.commandLine().parseArgs(args.toArray(String[]::new));
    assertThat(parsed.subcommand()).as(service + "'s command " + args).isNotNull();
    return parsed.subcommand();
  }

  private static Optional<Mount> mountAt(String service, String target) {
    List<Mount> mounts = new ArrayList<>();
    services.required(service).path("volumes").forEach(volume -> {
      assertThat(volume.isObject()).as(service + " volume " + volume + " in the long syntax").isTrue();
      mounts.add(new Mount(volume.required("type").asText(), volume.required("source").asText(),
          volume.required("target").asText(), volume.path("read_only").asBoolean(false)));
    });
    return mounts.stream().filter(mount -> mount.target().equals(target)).findFirst();
  }

  private record Mount(String type, String source, String target, boolean readOnly) {}

  private static String jibImageName() throws Exception {
    Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(CLI_POM.toFile());
    String image = XPathFactory.newInstance().newXPath().evaluate(
        "/project/build/plugins/plugin[artifactId='jib-maven-plugin']/configuration/to/image", pom).strip();
    assertThat(image).as("jib's to/image in " + CLI_POM).isNotEmpty();
    return image;
  }
}
