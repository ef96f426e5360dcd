package dev.mirrorseed.broker;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the embedded broker as a standalone process, for the test scripts:
 * {@code BrokerMain --dir DIR [--port P]} prints {@code kafka ready at 127.0.0.1:P} once clients can
 * connect, then serves until SIGTERM or SIGINT.
 */
public final class BrokerMain {
  private static final String USAGE = "usage: BrokerMain --dir DIR [--port PORT]";

  private BrokerMain() {}

  public static void main(String[] args) {
    Path dir = null;
    int port = 0;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--dir" -> dir = Path.of(valueOf(args, ++i));
          case "--port" -> port = Integer.parseInt(valueOf(args, ++i));
          default -> throw new IllegalArgumentException("unknown argument " + args[i]);
        }
      }
      if (dir == null) {
        throw new IllegalArgumentException("--dir is required");
      }
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage() + "\n" + USAGE);
      System.exit(2);
    }

    EmbeddedKafka kafka;
    try {
      kafka = EmbeddedKafka.start(dir, port);
    } catch (WorkspaceInUseException | BrokerFailedException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      kafka.close();
      stopped.countDown();
    }, "broker-shutdown"));
    System.out.println("kafka ready at " + kafka.bootstrapServers());
    System.out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String valueOf(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value");
    }
    return args[i];
  }
}
