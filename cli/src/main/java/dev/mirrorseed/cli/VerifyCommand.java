package dev.mirrorseed.cli;

import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.kafka.TopicSetup;
import dev.mirrorseed.reference.MirrorTarget;
import dev.mirrorseed.run.RunSummary;
import dev.mirrorseed.run.RunVerifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code mirrorseed verify}: the verifier alone. With {@code --source} it checks the mirror against a
 * bundle directly, without Kafka and without pushing: a line per image, the counts, exit 0 only if every
 * image is there as the bundle holds it. With {@code --run} it waits for that run's every verdict,
 * reading the topics from their start, and ends as push does. With neither, it verifies every run as its
 * results arrive, completing each with RunCompleted on the audit topic, until SIGTERM or SIGINT.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = "Verify the mirror: against a bundle (--source), one run the workers pushed (--run), or every"
        + " run as a service.")
final class VerifyCommand implements Callable<Integer> {
  /** Flags that only mean something when checking against a bundle. */
  private static final List<String> SOURCE_FLAGS = List.of(
      "--private-registry", "--cluster-config", "--workspace", "--max-blob-size", "--compress");
  /** Flags that only mean something on Kafka. */
  private static final List<String> KAFKA_FLAGS = List.of("--run", "--bootstrap-servers", "--topic-prefix");

  @Spec CommandSpec spec;

  @Option(names = "--run", paramLabel = "ID",
      description = "The run to verify (produce prints its id); exit 0 once every image is verified, 1 if any"
          + " failed. Without it and --source: verify every run until SIGTERM or SIGINT.")
  String runId;

  @Mixin BundleOptions bundle;

  @Mixin MirrorOptions mirror;

  @Option(names = "--workspace", paramLabel = "DIR", defaultValue = "mirrorseed-workspace",
      description = "With --source: where an archive's blobs are staged to be read (a layout directory is read"
          + " in place) (default: ${DEFAULT-VALUE}).")
  Path workspace;

  @Mixin DeepOption deep;

  @Mixin RunReport report;

  @Mixin KafkaOptions kafka;

  @Mixin RegistryOptions registryOptions;

  @Mixin ResilienceOptions resilienceOptions;

  @Mixin MetricsOptions metricsOptions;

  @Override
  public Integer call() throws IOException {
    ParseResult given = spec.commandLine().getParseResult();
    if (bundle.source != null) {
      refuse(given, KAFKA_FLAGS, "--source checks the mirror against the bundle directly, without Kafka");
      return againstBundle();
    }
    refuse(given, SOURCE_FLAGS, "they go with --source BUNDLE; a run already names its mirror");
    if (kafka.bootstrapServers == null) {
      throw new IllegalArgumentException("give --source BUNDLE to check the mirror against a bundle, or"
          + " --bootstrap-servers (with --run ID for one run) to verify what the workers pushed");
    }
    return onKafka(kafka.required());
  }

  /** {@code --source}: read the bundle as push would and check each image on the mirror as it is found. */
  private int againstBundle() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path source = bundle.existingSource();
    MirrorTarget target = mirror.resolve(registryOptions, err);
    Path staging = bundle.stagingFor(workspace.resolve("staging"));
    try (RegistryStack registries = RegistryStack.open(registryOptions, resilienceOptions, metricsOptions, err,
            System.in, err);
        SourceVerification check = new SourceVerification(registries.clients, registries.resilience::read,
            deep.depth(), OutcomeLine.checkPrinter(out))) {
      // Before reading a large bundle.
      registries.firstContact(target.registry());
      err.printf("checking %s against %s%s%n", target, source,
          deep.deep ? ", downloading every blob" : ", blobs by HEAD and size");
      err.flush();
      BundleRead read = BundleRead.of(source, staging, target, bundle.planOptions(workspace), check, err);
      int status = report.finish(new RunSummary(null, 0, check.await(), null), RunReport::checkedCounts, out);
      read.rethrowIfUnreadable();
      return status;
    }
  }

  private int onKafka(KafkaSettings settings) throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (runId == null && report.file != null) {
      throw new IllegalArgumentException("--report needs --run: the verify service records each run on "
          + settings.topics().audit() + " instead");
    }
    try (RegistryStack registries = RegistryStack.open(registryOptions, resilienceOptions, metricsOptions, err,
        System.in, err)) {
      TopicSetup.ensureTopics(settings);
      RunVerifier verifier = new RunVerifier(settings, registries.clients, registries.resilience::read, deep.depth(),
          OutcomeLine.printer(out));
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

  private static void refuse(ParseResult given, List<String> flags, String why) {
    for (String flag : flags) {
      if (given.hasMatchedOption(flag)) {
        throw new IllegalArgumentException("verify: " + flag + " does not go here: " + why);
      }
    }
  }
}
