package dev.mirrorseed.cli;

import dev.mirrorseed.events.RunPlanned;
import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.kafka.TopicSetup;
import dev.mirrorseed.produce.RunPublisher;
import dev.mirrorseed.reference.MirrorTarget;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mirrorseed produce}: the producer alone. Reads the bundle into a staging store the workers
 * share and publishes it as one run, image by image as each is staged; prints the run's id on stdout
 * (everything else goes to stderr) for {@code verify --run}, and ends once Kafka holds the whole run.
 */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = "Stage a bundle and publish its images to the workers as one run; print the run's id.")
final class ProduceCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin BundleOptions bundle;

  @Mixin MirrorOptions mirror;

  @Option(names = "--staging", paramLabel = "DIR",
      description = "Where an archive's blobs are staged: a directory every worker reads at this same path."
          + " A layout directory is used in place, and the workers then read it at the --source path.")
  Path staging;

  @Mixin KafkaOptions kafka;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path source = bundle.existingSource();
    MirrorTarget target = mirror.resolve(null, err);
    KafkaSettings settings = kafka.required();
    Path stagingDir = bundle.stagingFor(staging);
    if (stagingDir == null) {
      throw new IllegalArgumentException("--source " + source + " is an archive: give --staging DIR, a directory"
          + " every worker reads at the same path, to unpack its blobs into");
    }
    TopicSetup.ensureTopics(settings);
    String runId = RunIds.next();
    out.println(runId);
    out.flush();
    try (RunPublisher publisher = new RunPublisher(settings, runId, stagingDir.toAbsolutePath().toString())) {
      BundleRead read = BundleRead.of(source, stagingDir, target, bundle.planOptions(), publisher, err);
      RunPlanned planned = read.publish(publisher, target);
      err.printf("run %s: %d images published to %s; follow it with: mirrorseed verify --run %s%n", runId,
          planned.images(), settings.topics().requests(), runId);
      err.flush();
      read.rethrowIfUnreadable();
      return ExitCode.OK.code;
    }
  }
}
