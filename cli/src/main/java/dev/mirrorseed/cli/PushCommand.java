package dev.mirrorseed.cli;

import dev.mirrorseed.broker.EmbeddedKafka;
import dev.mirrorseed.bundle.BundleException;
import dev.mirrorseed.events.Topics;
import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.kafka.TopicSetup;
import dev.mirrorseed.plan.BundlePlanner;
import dev.mirrorseed.plan.BundleSummary;
import dev.mirrorseed.plan.PlanOptions;
import dev.mirrorseed.produce.RunPublisher;
import dev.mirrorseed.reference.MirrorTarget;
import dev.mirrorseed.registry.RegistryClients;
import dev.mirrorseed.report.JsonReport;
import dev.mirrorseed.resilience.Resilience;
import dev.mirrorseed.run.RunSummary;
import dev.mirrorseed.run.RunVerifier;
import dev.mirrorseed.work.WorkerPool;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mirrorseed push}: the whole pipeline in one process. Producer, a pool of worker threads and the
 * verifier run against Kafka (an embedded broker in the workspace unless {@code --bootstrap-servers}
 * names a cluster), exactly as they would as separate processes. Each image is published the moment
 * its blobs are staged, so pushing overlaps reading the bundle.
 */
@Command(
    name = "push",
    mixinStandardHelpOptions = true,
    description = "Push every image of a bundle into a private registry mirror and verify it there.")
final class PushCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--source", required = true, paramLabel = "PATH",
      description = "The bundle: a directory or a .tar, .tar.gz, .tar.xz or .tar.zst (told by content) of OCI"
          + " layouts and/or docker-save archives, at the top or nested one archive per image.")
  Path source;

  @Option(names = "--private-registry", paramLabel = "HOST:PORT[/NAMESPACE]",
      description = "The mirror. gcr.io/a/b:1 goes to HOST:PORT/NAMESPACE/a/b:1, as containerd maps mirrors."
          + " Give this or --cluster-config.")
  String privateRegistry;

  @Option(names = "--cluster-config", paramLabel = "FILE",
      description = "bmctl's cluster config: push to its first registryMirrors endpoint (https://HOST:PORT/v2/NS),"
          + " with its caCertPath and pullCredentialConfigPath unless --cacert / --docker-config are given.")
  Path clusterConfig;

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

  @Mixin RegistryOptions registryOptions;

  @Mixin ResilienceOptions resilienceOptions;

  @Mixin MetricsOptions metricsOptions;

  @Option(names = "--dry-run",
      description = "Read and stage the bundle, print the plan (images, targets, blobs, bytes); push nothing.")
  boolean dryRun;

  @Option(names = "--max-blob-size", paramLabel = "SIZE", converter = ByteSize.class,
      description = "Refuse blobs larger than this (e.g. 20GiB); the images needing them fail alone.")
  Long maxBlobSize;

  @Option(names = "--compress", paramLabel = "none|gzip", defaultValue = "none",
      description = "Layers of old docker-save archives are pushed as they are (none, the default: the digest"
          + " is a pure function of the bundle) or gzip-compressed.")
  LayerCompression compress;

  /** How layers of an old docker-save archive, which carry no registry manifest, are pushed. */
  enum LayerCompression { none, gzip }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    MirrorTarget target = PushTarget.resolve(privateRegistry, clusterConfig, registryOptions, out);
    if (!Files.exists(source)) {
      throw new IllegalArgumentException("--source " + source + " does not exist: give the bundle's path");
    }
    if (workers < 1) {
      throw new IllegalArgumentException("--workers must be at least 1, got " + workers);
    }
    PlanOptions options = new PlanOptions(
        maxBlobSize == null ? Long.MAX_VALUE : maxBlobSize, compress == LayerCompression.gzip);
    if (dryRun) {
      return dryRun(target, options, out);
    }
    long started = System.nanoTime();
    CompositeMeterRegistry meters = new CompositeMeterRegistry();
    Resilience resilience = new Resilience(resilienceOptions.policy(), meters);
    try (MetricsEndpoint metrics = metricsOptions.open(meters, out);
        RegistryClients registries = new RegistryClients(
            registryOptions.access(spec.commandLine().getErr(), System.in), resilience::exchanges)) {
      // Fail in seconds on a wrong mirror address, before any staging or Kafka work.
      resilience.forRegistry(target.registry()).firstContact(registries.forRegistry(target.registry()));

      // The bundle is read while Kafka starts and the workers join their group; images found before
      // the run can be published wait in a HeldPlan.
      CompletableFuture<EmbeddedKafka> broker = bootstrapServers == null
          ? CompletableFuture.supplyAsync(() -> EmbeddedKafka.start(workspace))
          : CompletableFuture.completedFuture(null);
      HeldPlan held = new HeldPlan();
      Path staging = stagingFor(source);
      CompletableFuture<Pipeline> pipeline = broker.thenApply(kafka -> Pipeline.start(
          kafka, bootstrapServers, topicPrefix, workers, registries, resilience, staging, held, out));
      pipeline.whenComplete((ready, failure) -> {
        if (failure != null) {
          held.fail(failure.getCause() instanceof RuntimeException cause ? cause : new CompletionException(failure));
        }
      });
      try {
        BundleSummary read = null;
        BundleException unreadable = null;
        try {
          read = BundlePlanner.stream(source, staging, target, options, held);
          out.printf("read %d images (%d broken), %d unique blobs, %s from %s (%s)%n", read.images(),
              read.broken(), read.uniqueBlobs(), Sizes.human(read.uniqueBytes()), source, read.bundleDigest());
          out.flush();
        } catch (BundleException e) {
          // What was announced before the bundle became unreadable is still pushed and verified.
          unreadable = e;
        }
        RunSummary summary = join(pipeline).finish(read, source, target);
        if (report != null) {
          JsonReport.write(summary, report);
        }
        out.printf("%d pushed, %d verified, %d failed%n", summary.pushed(), summary.verified(), summary.failed());
        out.printf("%s uploaded in %.1f s%n", Sizes.human(summary.bytesUploaded()),
            (System.nanoTime() - started) / 1e9);
        if (unreadable != null) {
          throw unreadable;
        }
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

  private int dryRun(MirrorTarget target, PlanOptions options, PrintWriter out) {
    DryRun plan = new DryRun(out);
    BundleSummary summary = BundlePlanner.stream(source, stagingFor(source), target, options, plan);
    out.printf("dry run: %d images (%d broken), %d unique blobs, %s from %s (%s); nothing pushed%n",
        summary.images(), summary.broken(), summary.uniqueBlobs(), Sizes.human(summary.uniqueBytes()),
        source, summary.bundleDigest());
    return plan.broken() == 0 ? ExitCode.OK.code : ExitCode.IMAGES_FAILED.code;
  }

  /** A layout directory is pushed from where it is; an archive is unpacked into the workspace. */
  private Path stagingFor(Path bundle) {
    return Files.isDirectory(bundle) ? bundle : workspace.resolve("staging");
  }

  /**
   * Topics, a running worker pool, a verifier positioned before the run, and the run's publisher,
   * already receiving what the bundle reader finds.
   */
  private record Pipeline(WorkerPool pool, RunVerifier verifier, String runId,
      Map<TopicPartition, Long> from, RunPublisher publisher) implements AutoCloseable {
    static Pipeline start(EmbeddedKafka embedded, String bootstrapServers, String topicPrefix, int workers,
        RegistryClients registries, Resilience resilience, Path staging, HeldPlan held, PrintWriter out) {
      KafkaSettings kafka = new KafkaSettings(
          embedded == null ? bootstrapServers : embedded.bootstrapServers(), new Topics(topicPrefix));
      TopicSetup.ensureTopics(kafka);
      WorkerPool pool = new WorkerPool(kafka, workers, RunIds.processId(), registries, resilience);
      pool.start();
      try {
        RunVerifier verifier = new RunVerifier(kafka, registries, resilience::read, outcome -> {
          out.println(OutcomeLine.of(outcome));
          out.flush();
        });
        String runId = RunIds.next();
        Map<TopicPartition, Long> from = verifier.currentPositions();
        RunPublisher publisher = new RunPublisher(kafka, runId, staging.toAbsolutePath().toString());
        held.release(publisher);
        return new Pipeline(pool, verifier, runId, from, publisher);
      } catch (RuntimeException e) {
        pool.close();
        throw e;
      }
    }

    /**
     * Ends the run's publication, as complete when the bundle was {@code read} to its end or as the
     * images announced so far when it was not (null), and waits for every verdict.
     */
    RunSummary finish(BundleSummary read, Path source, MirrorTarget target) {
      if (read != null) {
        publisher.complete(read, target.toString());
      } else {
        publisher.abandoned(source.toString(), target.toString());
      }
      return verifier.await(runId, from, pool::crash);
    }

    @Override
    public void close() {
      publisher.close();
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
