package dev.mirrorseed.cli;

import dev.mirrorseed.broker.RunningBroker;
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
 * stopping a broker of its own. Unlike push, it does not clear what a crash left on the broker (see
 * {@link dev.mirrorseed.work.DeadWorkers}): the clients of a broker killed under them are other
 * processes, which may still be alive and come back to it; dead ones time out as on any cluster.
 */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = "Keep a workspace's embedded Kafka broker running for the pushes on it, until SIGTERM or SIGINT.")
final class BrokerCommand implements Callable<Integer> {
  private static final int MAX_PORT = 65_535;

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
    if (port < 0 || port > MAX_PORT) {
      throw new IllegalArgumentException("--port must be 0 (a free port) or 1-" + MAX_PORT + ", got " + port);
    }
    try (StopSignals stop = StopSignals.install();
        RunningBroker broker = RunningBroker.start(workspace, port)) {
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
