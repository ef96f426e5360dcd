package dev.mirrorseed.cli;

import dev.mirrorseed.events.Topics;
import dev.mirrorseed.kafka.KafkaSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which Kafka cluster and topics a command uses; the same flags on push, produce, work, verify and report. */
final class KafkaOptions {
  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
      description = "The Kafka cluster. push without it starts an embedded broker in its workspace;"
          + " produce, work, verify and report need it.")
  String bootstrapServers;

  @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = Topics.DEFAULT_PREFIX,
      description = "Prefix of the topic names and of the workers' consumer group (default: ${DEFAULT-VALUE}).")
  String topicPrefix;

  /** The settings for {@code servers}, e.g. an embedded broker's. */
  KafkaSettings on(String servers) {
    return new KafkaSettings(servers, new Topics(topicPrefix));
  }

  /** The flags that make {@code report} read the topics of a push run with these options from {@code workspace}. */
  String reportFlags(Path workspace) {
    String where = bootstrapServers == null ? "--workspace " + workspace : "--bootstrap-servers " + bootstrapServers;
    return Topics.DEFAULT_PREFIX.equals(topicPrefix) ? where : where + " --topic-prefix " + topicPrefix;
  }

  /** The settings of a command that meets the other processes on a cluster they all reach. */
  KafkaSettings required() {
    if (bootstrapServers == null) {
      throw new IllegalArgumentException("--bootstrap-servers is required: produce, work, verify and report meet on a"
          + " Kafka cluster they all reach (only push can start a broker of its own)");
    }
    return on(bootstrapServers);
  }
}
