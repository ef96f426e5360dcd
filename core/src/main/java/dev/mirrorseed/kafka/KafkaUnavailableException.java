package dev.mirrorseed.kafka;

/** The Kafka cluster could not be reached or refused what a run needs; the message names the servers. */
public class KafkaUnavailableException extends RuntimeException {
  public KafkaUnavailableException(String bootstrapServers, Throwable cause) {
    super("Kafka at " + bootstrapServers + " is unreachable or not ready ("
        + rootMessage(cause) + "): check --bootstrap-servers and that the brokers are running", cause);
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }
}
