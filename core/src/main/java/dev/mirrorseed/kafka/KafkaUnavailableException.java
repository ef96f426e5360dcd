package dev.mirrorseed.kafka;

/** The Kafka cluster could not be reached or refused what a run needs; the message names the servers. */
public class KafkaUnavailableException extends RuntimeException {
  public KafkaUnavailableException(String bootstrapServers, Throwable cause) {
    super("Kafka at " + bootstrapServers + " is unreachable or not ready ("
        + rootMessage(cause) + "): check --bootstrap-servers and that the brokers are running", cause);
  }

  private KafkaUnavailableException(Throwable cause, String message) {
    super(message, cause);
  }

  /**
   * Kafka did not take a record whose loss would go unnoticed ({@code what}, e.g. a verdict to the audit
   * topic): the process stops rather than carry on as if it had been written.
   */
  public static KafkaUnavailableException notWritten(String bootstrapServers, String what, Throwable cause) {
    return new KafkaUnavailableException(cause, "Kafka at " + bootstrapServers + " did not take " + what + " ("
        + rootMessage(cause) + "): stopped rather than lose it; check the brokers, then run again");
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }
}
