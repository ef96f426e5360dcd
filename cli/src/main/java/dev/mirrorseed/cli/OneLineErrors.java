package dev.mirrorseed.cli;

import dev.mirrorseed.broker.BrokerFailedException;
import dev.mirrorseed.broker.WorkspaceInUseException;
import dev.mirrorseed.bundle.BundleException;
import dev.mirrorseed.kafka.KafkaUnavailableException;
import dev.mirrorseed.oci.InvalidManifestException;
import dev.mirrorseed.registry.RegistryException;
import dev.mirrorseed.registry.RegistryUnreachableException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The CLI's edge: every error a user can hit becomes one line on stderr and an {@link ExitCode}, never
 * a stack trace. Set {@code MIRRORSEED_DEBUG=1} to see the trace too.
 */
final class OneLineErrors implements IExecutionExceptionHandler, IParameterExceptionHandler {
  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
    ExitCode code = classify(e);
    cmd.getErr().println("mirrorseed: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
    if (code == ExitCode.INTERNAL || System.getenv("MIRRORSEED_DEBUG") != null) {
      e.printStackTrace(cmd.getErr());
    }
    return code.code;
  }

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    cmd.getErr().println("mirrorseed: " + e.getMessage());
    cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the flags.");
    return ExitCode.BAD_INPUT.code;
  }

  private static ExitCode classify(Exception e) {
    // A broker that could not start is Kafka unavailable too: its message says why (a port in use, a
    // damaged workspace), and a stack trace would add nothing for the user.
    if (e instanceof RegistryUnreachableException || e instanceof KafkaUnavailableException
        || e instanceof BrokerFailedException) {
      return ExitCode.UNREACHABLE;
    }
    if (e instanceof BundleException || e instanceof InvalidManifestException
        || e instanceof IllegalArgumentException || e instanceof RegistryException
        || e instanceof WorkspaceInUseException
        || e instanceof UncheckedIOException && e.getCause() instanceof NoSuchFileException) {
      return ExitCode.BAD_INPUT;
    }
    return ExitCode.INTERNAL;
  }
}
