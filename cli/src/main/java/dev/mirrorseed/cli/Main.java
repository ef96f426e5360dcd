package dev.mirrorseed.cli;

import dev.mirrorseed.registry.proxy.ProxyTunnelAuth;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mirrorseed} command. */
@Command(
    name = "mirrorseed",
    mixinStandardHelpOptions = true,
    version = "mirrorseed 0.1.0",
    description = "Seeds a private container-registry mirror from an offline image bundle through Apache Kafka.",
    subcommands = {PushCommand.class, ProduceCommand.class, WorkCommand.class, VerifyCommand.class, ReportCommand.class,
        BrokerCommand.class, ContainerdConfigCommand.class, CheckNodeCommand.class, CommandLine.HelpCommand.class})
public final class Main {
  public static void main(String[] args) {
    // Before anything builds an HttpClient: the JDK reads this once per JVM (see ProxyTunnelAuth).
    ProxyTunnelAuth.allowBasic();
    QuickExit.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new Main())
        .setExecutionExceptionHandler(new OneLineErrors())
        .setParameterExceptionHandler(new OneLineErrors());
  }
}
