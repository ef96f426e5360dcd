package dev.mirrorseed.broker;

import org.apache.kafka.common.utils.internals.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Kafka's "halt the JVM" on fatal errors into an exception: the JVM embedding the broker is the
 * CLI's, which must report the error and exit with its own code rather than vanish.
 */
final class FatalExits {
  private static final Logger LOG = LoggerFactory.getLogger(FatalExits.class);
  private static boolean installed;

  private FatalExits() {}

  static synchronized void install() {
    if (installed) {
      return;
    }
    Exit.setHaltProcedure((status, message) -> {
      throw fatal("halt", status, message);
    });
    Exit.setExitProcedure((status, message) -> {
      throw fatal("exit", status, message);
    });
    installed = true;
  }

  private static BrokerFailedException fatal(String what, int status, String message) {
    String text = "kafka broker hit a fatal error (" + what + " " + status + ")"
        + (message == null ? "" : ": " + message);
    LOG.error(text);
    return new BrokerFailedException(text);
  }
}
