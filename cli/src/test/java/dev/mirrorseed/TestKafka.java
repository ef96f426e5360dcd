package dev.mirrorseed;

import dev.mirrorseed.broker.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The Kafka broker integration tests talk to, one per JVM: the cluster named by
 * KAFKA_BOOTSTRAP_SERVERS (what .ci/run starts), else a Testcontainers broker where Docker runs, else
 * mirrorseed's own embedded broker. There is always a real broker: tests never skip for want of one.
 */
public final class TestKafka {
  private static final String IMAGE = "apache/kafka:4.1.0";
  private static final String TESTCONTAINERS_LOGGER = "org.testcontainers";
  private static String bootstrapServers;

  private TestKafka() {}

  public static synchronized String bootstrapServers() {
    if (bootstrapServers == null) {
      bootstrapServers = startOrFind();
    }
    return bootstrapServers;
  }

  private static String startOrFind() {
    String fromEnv = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv;
    }
    if (dockerAvailable()) {
      KafkaContainer container = new KafkaContainer(IMAGE);
      container.start();
      Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "test-kafka-stop"));
      return container.getBootstrapServers();
    }
    // One directory per JVM: surefire may run forks side by side, and each holds its broker's lock.
    Path dir = Path.of("target", "test-kafka-" + ProcessHandle.current().pid());
    EmbeddedKafka kafka = EmbeddedKafka.start(dir);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      kafka.close();
      deleteRecursively(dir);
    }, "test-kafka-stop"));
    return kafka.bootstrapServers();
  }

  // Without Docker, Testcontainers' probe logs an ERROR that reads like a test failure; here no Docker
  // only means the embedded broker is used. SLF4J's simple binding reads a logger's level when the logger
  // is made, so the loggers the probe makes stay quiet and later ones are as configured.
  private static boolean dockerAvailable() {
    String quiet = "org.slf4j.simpleLogger.log." + TESTCONTAINERS_LOGGER;
    System.setProperty(quiet, "off");
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } finally {
      System.clearProperty(quiet);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.delete(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      System.err.println("could not delete test broker directory " + dir + ": " + e.getMessage());
    }
  }
}
