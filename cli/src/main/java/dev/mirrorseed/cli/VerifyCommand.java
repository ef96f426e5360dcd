package dev.mirrorseed.cli;

import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.kafka.TopicSetup;
import dev.mirrorseed.registry.RegistryClients;
import dev.mirrorseed.resilience.Resilience;
import dev.mirrorseed.run.RunSummary;
import dev.mirrorseed.run.RunVerifier;
import dev.mirrorseed.verify.Depth;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mirrorseed verify}: the verifier alone. With {@code --run} it waits for that run's every
 * verdict, reading the topics from their start, and ends as push does: a line per image, the counts,
 * the report, exit 0 only if every image is verified. Without it, it verifies every run as its results
 * arrive, completing each with RunCompleted on the audit topic, until SIGTERM or SIGINT.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = "Verify on the mirror what the workers pushed: one run (--run), or every run as a service.")
final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--run", paramLabel = "ID",
      description = "The run to verify (produce prints its id); exit 0 once every image is verified, 1 if any"
          + " failed. Without it: verify every run until SIGTERM or SIGINT.")
  String runId;

  @Mixin RunReport report;

  @Mixin KafkaOptions kafka;

  @Mixin RegistryOptions registryOptions;

  @Mixin ResilienceOptions resilienceOptions;

  @Mixin MetricsOptions metricsOptions;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    KafkaSettings settings = kafka.required();
    if (runId == null && report.file != null) {
      throw new IllegalArgumentException("--report needs --run: the verify service records each run on "
          + settings.topics().audit() + " instead");
    }
    CompositeMeterRegistry meters = new CompositeMeterRegistry();
    Resilience resilience = new Resilience(resilienceOptions.policy(), meters);
    try (MetricsEndpoint metrics = metricsOptions.open(meters, err);
        RegistryClients registries = new RegistryClients(registryOptions.access(err, System.in), resilience::exchanges)) {
      TopicSetup.ensureTopics(settings);
      RunVerifier verifier = new RunVerifier(settings, registries, resilience::read, Depth.SIZES, OutcomeLine.printer(out));
      if (runId != null) {
        err.printf("verifying run %s from the start of %s and %s%n", runId, settings.topics().results(),
            settings.topics().audit());
        err.flush();
        RunSummary summary = verifier.await(runId, verifier.earliestPositions(), () -> null);
        return report.finish(summary, out);
      }
      try (StopSignals stop = StopSignals.install()) {
        err.printf("verifying every run on %s until SIGTERM or Ctrl-C%n", settings.topics().results());
        err.flush();
        verifier.serve(stop::requested, summary -> {
          out.println("run " + summary.runId() + ": " + RunReport.counts(summary));
          out.flush();
        });
      }
      return ExitCode.OK.code;
    }
  }
}
