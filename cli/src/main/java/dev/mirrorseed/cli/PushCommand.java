package dev.mirrorseed.cli;

import dev.mirrorseed.broker.EmbeddedKafka;
import dev.mirrorseed.events.Topics;
import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.kafka.TopicSetup;
import dev.mirrorseed.plan.BundlePlan;
import dev.mirrorseed.plan.BundlePlanner;
import dev.mirrorseed.produce.RunPublisher;
import dev.mirrorseed.reference.MirrorTarget;
import dev.mirrorseed.registry.RegistryClients;
import dev.mirrorseed.report.JsonReport;
import dev.mirrorseed.run.RunSummary;
import dev.mirrorseed.run.RunVerifier;
import dev.mirrorseed.work.WorkerPool;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mirrorseed push}: the whole pipeline in one process. Producer, a pool of worker threads and the
 * verifier run against Kafka (an embedded broker in the workspace unless {@code --bootstrap-servers}
 * names a cluster), exactly as they would as separate processes.
 */
@Command(
    name = "push",
    mixinStandardHelpOptions = true,
    description = "Push every image of a bundle into a private registry mirror and verify it there.")
final class PushCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--source", required = true, paramLabel = "PATH",
      description = "The bundle: an OCI image layout directory or a .tar of one.")
  Path source;

  @Option(names = "--private-registry", required = true, paramLabel = "HOST:PORT[/NAMESPACE]",
      description = "The mirror. gcr.io/a/b:1 goes to HOST:PORT/NAMESPACE/a/b:1, as containerd maps mirrors.")
  String privateRegistry;

  @Option(names = "--report", paramLabel = "FILE.json", description = "Write a JSON report of the run.")
  Path report;

  @Option(names = "--workspace", paramLabel = "DIR", defaultValue = "mirrorseed-workspace",
      description = "Where the staging store and the embedded Kafka broker live (default: ${DEFAULT-VALUE}).")
  Path workspace;

  @Option(names = "--workers", paramLabel = "N", defaultValue = "4",
      description = "Worker threads pushing images in parallel (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
      description = "Use this Kafka cluster instead of starting an embedded broker.")
  String bootstrapServers;

  @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = Topics.DEFAULT_PREFIX,
      description = "Prefix of the topic names (default: ${DEFAULT-VALUE}).")
  String topicPrefix;

  @Option(names = "--insecure-http",
      description = "Allow plain HTTP to a registry that is not on loopback (loopback always may).")
  boolean insecureHttp;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (!Files.exists(source)) {
      throw new IllegalArgumentException("--source " + source + " does not exist: give the bundle's path");
    }
    if (workers < 1) {
      throw new IllegalArgumentException("--workers must be at least 1, got " + workers);
    }
    MirrorTarget target = MirrorTarget.parse(privateRegistry);
    long started = System.nanoTime();
    try (RegistryClients registries = new RegistryClients(insecureHttp)) {
      // Fail in seconds on a wrong --private-registry, before any staging or Kafka work.
      registries.forRegistry(target.registry()).ping();

      // Kafka comes up and the workers join their group while the bundle is being staged.
      CompletableFuture<EmbeddedKafka> broker = bootstrapServers == null
          ? CompletableFuture.supplyAsync(() -> EmbeddedKafka.start(workspace))
          : CompletableFuture.completedFuture(null);
      CompletableFuture<Pipeline> pipeline = broker.thenApply(kafka -> Pipeline.start(
          new KafkaSettings(kafka == null ? bootstrapServers : kafka.bootstrapServers(), new Topics(topicPrefix)),
          workers, registries, out));
      try {
        BundlePlan plan = BundlePlanner.stageAndPlan(source, workspace.resolve("staging"), target);
        out.printf("planned %d images, %d unique blobs, %s from %s (%s)%n", plan.images().size(),
            plan.uniqueBlobs(), Sizes.human(plan.uniqueBytes()), source, plan.bundleDigest());
        out.flush();
        RunSummary summary = join(pipeline).run(plan, target);
        if (report != null) {
          JsonReport.write(summary, report);
        }
        out.printf("%d pushed, %d verified, %d failed%n", summary.pushed(), summary.verified(), summary.failed());
        out.printf("%s uploaded in %.1f s%n", Sizes.human(summary.bytesUploaded()),
            (System.nanoTime() - started) / 1e9);
        return summary.allVerified() ? ExitCode.OK.code : ExitCode.IMAGES_FAILED.code;
      } finally {
        pipeline.thenAccept(Pipeline::close).exceptionally(e -> null).join();
        broker.thenAccept(kafka -> {
          if (kafka != null) {
            kafka.close();
          }
        }).exceptionally(e -> null).join();
      }
    }
  }

  /** Topics, a running worker pool and a verifier positioned before the run: ready for a plan. */
  private record Pipeline(KafkaSettings kafka, WorkerPool pool, RunVerifier verifier) implements AutoCloseable {
    static Pipeline start(KafkaSettings kafka, int workers, RegistryClients registries, PrintWriter out) {
      TopicSetup.ensureTopics(kafka);
      WorkerPool pool = new WorkerPool(kafka, workers, RunIds.processId(), registries);
      pool.start();
      RunVerifier verifier = new RunVerifier(kafka, registries, outcome -> {
        out.println(OutcomeLine.of(outcome));
        out.flush();
      });
      return new Pipeline(kafka, pool, verifier);
    }

    RunSummary run(BundlePlan plan, MirrorTarget target) {
      String runId = RunIds.next();
      Map<TopicPartition, Long> from = verifier.currentPositions();
      new RunPublisher(kafka).publish(runId, plan, target.toString());
      return verifier.await(runId, from, () -> pool.crash() == null);
    }

    @Override
    public void close() {
      pool.close();
    }
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }
}
