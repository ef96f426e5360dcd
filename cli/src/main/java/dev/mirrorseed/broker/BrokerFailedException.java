package dev.mirrorseed.broker;

/**
 * The embedded broker could not start, or hit an error on which a standalone Kafka would have halted
 * its JVM; in process that JVM is the CLI's, so it is raised instead.
 */
public final class BrokerFailedException extends RuntimeException {
  public BrokerFailedException(String message) {
    super(message);
  }

  public BrokerFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
