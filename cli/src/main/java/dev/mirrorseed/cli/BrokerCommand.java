package dev.mirrorseed.cli;

import dev.mirrorseed.broker.RunningBroker;
import dev.mirrorseed.events.Topics;
import dev.mirrorseed.kafka.KafkaSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mirrorseed broker}: the embedded broker of a workspace, kept running between pushes until
 * SIGTERM or SIGINT. A push or report on the workspace meanwhile uses it instead of starting and
 * stopping a broker of its own.
 */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = "Keep a workspace's embedded Kafka broker running for the pushes on it, until SIGTERM or SIGINT.")
final class BrokerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--workspace", paramLabel = "DIR", defaultValue = "mirrorseed-workspace",
      description = "The workspace whose pushes use this broker (default: ${DEFAULT-VALUE}).")
  Path workspace;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "0",
      description = "The port on 127.0.0.1 to listen on (default: a free one).")
  int port;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    try (StopSignals stop = StopSignals.install();
        RunningBroker broker = RunningBroker.start(workspace, port)) {
      // Before any push can find it: whatever workers it knows of then died with a killed process (those
      // of the default topic prefix; others wait out their sessions, as on any cluster).
      KafkaSettings defaults = new KafkaSettings(broker.bootstrapServers(), new Topics(Topics.DEFAULT_PREFIX));
      CrashLeftovers.clear(broker.embedded(), defaults)
          .ifPresent(cleared -> err.println(CrashLeftovers.describe(cleared)));
      broker.announce();
      err.printf("kafka ready at %s: pushes and reports on %s use it until SIGTERM or Ctrl-C stops it%n",
          broker.bootstrapServers(), workspace);
      err.flush();
      while (!stop.await(Long.MAX_VALUE)) {
        // Serving; the broker's own threads do the work.
      }
      err.printf("stopping the broker on %s%n", workspace);
      err.flush();
    }
    return ExitCode.OK.code;
  }
}
