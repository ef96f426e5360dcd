package dev.mirrorseed.cli;

import dev.mirrorseed.broker.BrokerMain;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The project's standalone Kafka broker ({@code BrokerMain}) in a JVM of its own, on a directory and port
 * of the test's, so that the test can stop it and start it again as an operator restarts a broker: never
 * the shared test broker, which other tests use at the same time.
 */
final class StandaloneBroker {
  static final Duration STARTUP = Duration.ofSeconds(60);

  private StandaloneBroker() {}

  /** Starts the broker on {@code dir} and {@code port}; returns once it takes clients. */
  static CliProcess start(Path work, String name, Path dir, int port) throws InterruptedException {
    CliProcess broker = CliProcess.startMain(work, name, Map.of(), BrokerMain.class,
        "--dir", dir.toString(), "--port", Integer.toString(port));
    try {
      broker.awaitOut("kafka ready at 127.0.0.1:" + port, STARTUP);
      return broker;
    } catch (AssertionError notReady) {
      broker.close();
      throw notReady;
    }
  }

  /** A port free on 127.0.0.1 now, for a broker that must come back on the same one. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}
