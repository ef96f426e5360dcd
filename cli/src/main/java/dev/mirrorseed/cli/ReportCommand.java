package dev.mirrorseed.cli;

import dev.mirrorseed.broker.EmbeddedKafka;
import dev.mirrorseed.broker.RunningBroker;
import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.report.HtmlReport;
import dev.mirrorseed.report.JsonReport;
import dev.mirrorseed.report.RunHistory;
import dev.mirrorseed.report.RunReplay;
import dev.mirrorseed.report.RunTable;
import dev.mirrorseed.report.Sizes;
import dev.mirrorseed.run.RunSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mirrorseed report}: a run rebuilt from the topics alone, long after the processes that ran it
 * are gone: its results and verdicts replayed from the start of the results and audit topics, printed
 * as a table with the counts, and written as the same JSON report push and verify write, or as an HTML
 * page. It reads and writes nothing else: no registry, no consumer group, no topic created.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = "Rebuild a run from the Kafka topics alone: a table of its images, JSON (--json), HTML (--html).")
final class ReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--run", paramLabel = "ID", required = true,
      description = "The run (produce and push print its id). Exit 0 if every planned image is verified, 1 if"
          + " not (yet).")
  String runId;

  @Option(names = "--json", paramLabel = "FILE.json", description = "Write the run's JSON report, as push --report.")
  Path json;

  @Option(names = "--html", paramLabel = "FILE.html",
      description = "Write the run as one self-contained HTML page: summary, pushes per worker, throughput, images.")
  Path html;

  @Option(names = "--workspace", paramLabel = "DIR",
      description = "Instead of --bootstrap-servers: the workspace of a push that ran on its embedded broker.")
  Path workspace;

  @Mixin KafkaOptions kafka;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (workspace == null) {
      return report(kafka.required(), out, err);
    }
    if (kafka.bootstrapServers != null) {
      throw new IllegalArgumentException("give --workspace or --bootstrap-servers, not both: a push on an external"
          + " cluster keeps no Kafka in its workspace");
    }
    if (!EmbeddedKafka.holdsData(workspace)) {
      throw new IllegalArgumentException("no embedded Kafka in " + workspace + ": give the --workspace of a push"
          + " that ran without --bootstrap-servers");
    }
    Optional<String> running = RunningBroker.on(workspace);
    if (running.isPresent()) {
      return report(kafka.on(running.get()), out, err);
    }
    try (EmbeddedKafka embedded = EmbeddedKafka.start(workspace)) {
      return report(kafka.on(embedded.bootstrapServers()), out, err);
    }
  }

  private int report(KafkaSettings settings, PrintWriter out, PrintWriter err) throws IOException {
    RunReplay.Events replay = RunReplay.of(settings, runId);
    if (replay.events().isEmpty()) {
      throw new IllegalArgumentException("no event of run " + runId + " on " + settings.topics().results() + " or "
          + settings.topics().audit() + (workspace == null ? " at " + settings.bootstrapServers() : " in " + workspace)
          + ": check --run (push and produce print the id) and --topic-prefix");
    }
    if (replay.unreadable() > 0) {
      err.printf("%d records on the topics are no mirrorseed event and were passed over%n", replay.unreadable());
    }
    RunSummary summary = RunHistory.rebuild(runId, replay.events());
    RunTable.lines(summary).forEach(out::println);
    out.println(RunReport.counts(summary) + progress(summary) + ", " + Sizes.human(summary.bytesUploaded())
        + " uploaded");
    if (json != null) {
      JsonReport.write(summary, json);
    }
    if (html != null) {
      HtmlReport.write(summary, html);
    }
    out.flush();
    return summary.allVerified() ? ExitCode.OK.code : ExitCode.IMAGES_FAILED.code;
  }

  /** What is still to come of a run that is not over: verdicts, results, or the plan itself. */
  private static String progress(RunSummary summary) {
    StringBuilder progress = new StringBuilder();
    if (summary.awaitingVerdict() > 0) {
      progress.append(", ").append(summary.awaitingVerdict()).append(" awaiting a verdict");
    }
    if (summary.plan() == null) {
      progress.append(", no plan on the audit topic yet");
    } else if (summary.missing() > 0) {
      progress.append(", ").append(summary.missing()).append(" of ").append(summary.plan().images())
          .append(" planned images without a result yet");
    }
    return progress.toString();
  }
}
