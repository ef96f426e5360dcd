package dev.mirrorseed.cli;

import dev.mirrorseed.broker.EmbeddedKafka;
import dev.mirrorseed.broker.RunningBroker;
import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.kafka.TopicSetup;
import dev.mirrorseed.plan.BundlePlanner;
import dev.mirrorseed.plan.BundleSummary;
import dev.mirrorseed.plan.PlanOptions;
import dev.mirrorseed.produce.RunPublisher;
import dev.mirrorseed.reference.MirrorTarget;
import dev.mirrorseed.registry.RegistryClients;
import dev.mirrorseed.report.Sizes;
import dev.mirrorseed.resilience.Resilience;
import dev.mirrorseed.run.RunSummary;
import dev.mirrorseed.run.RunVerifier;
import dev.mirrorseed.verify.Depth;
import dev.mirrorseed.work.DeadWorkers;
import dev.mirrorseed.work.WorkerPool;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mirrorseed push}: the whole pipeline in one process. Producer, a pool of worker threads and the
 * verifier run against Kafka (an embedded broker in the workspace unless {@code --bootstrap-servers}
 * names a cluster or {@code mirrorseed broker} keeps the workspace's running), exactly as they would
 * as separate processes. Each image is published the moment its blobs are staged, so pushing overlaps
 * reading the bundle.
 */
@Command(
    name = "push",
    mixinStandardHelpOptions = true,
    description = "Push every image of a bundle into a private registry mirror and verify it there.")
final class PushCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin BundleOptions bundle;

  @Mixin MirrorOptions mirror;

  @Mixin RunReport report;

  @Mixin DeepOption deep;

  @Option(names = "--workspace", paramLabel = "DIR", defaultValue = "mirrorseed-workspace",
      description = "Where the staging store and the embedded Kafka broker live (default: ${DEFAULT-VALUE}).")
  Path workspace;

  @Mixin WorkerOptions workers;

  @Mixin KafkaOptions kafka;

  @Mixin RegistryOptions registryOptions;

  @Mixin ResilienceOptions resilienceOptions;

  @Mixin MetricsOptions metricsOptions;

  @Option(names = "--dry-run",
      description = "Read and stage the bundle, print the plan (images, targets, blobs, bytes); push nothing.")
  boolean dryRun;

  /** Where {@code --password-stdin} reads; tests running the command in process hand it theirs. */
  InputStream stdin = System.in;

  private static final Logger LOG = LoggerFactory.getLogger(PushCommand.class);

  /** How long the run waits for its workers to join their group before it publishes anyway. */
  private static final Duration GROUP_SETTLES_WITHIN = Duration.ofSeconds(10);

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path source = bundle.existingSource();
    MirrorTarget target = mirror.resolve(registryOptions, out);
    int workerCount = workers.count();
    PlanOptions options = bundle.planOptions(workspace);
    Path staging = bundle.stagingFor(workspace.resolve("staging"));
    if (dryRun) {
      return dryRun(source, staging, target, options, out);
    }
    long started = System.nanoTime();
    // Also without an embedded broker: it keeps the record of the layout blobs this run hashes.
    Files.createDirectories(workspace);
    // A broker `mirrorseed broker` keeps running on the workspace serves the run as a cluster would.
    String cluster = kafka.bootstrapServers != null ? kafka.bootstrapServers : RunningBroker.on(workspace).orElse(null);
    if (kafka.bootstrapServers == null && cluster != null) {
      out.printf("using the broker running on %s at %s%n", workspace, cluster);
    }
    // Kafka starts first, on a thread of its own: its start is the longest fixed cost of a run, and
    // opening the registry clients, the first contact and reading the bundle all overlap with it.
    CompletableFuture<EmbeddedKafka> broker = cluster == null
        ? CompletableFuture.supplyAsync(() -> phase("kafka ready", EmbeddedKafka.start(workspace)))
        : CompletableFuture.completedFuture(null);
    try (RegistryStack registries = RegistryStack.open(registryOptions, resilienceOptions, metricsOptions,
        spec.commandLine().getErr(), stdin, out)) {
      // Before any staging.
      registries.firstContact(target.registry());
      phase("registry answered", target);

      // Images found before the run can be published wait in a HeldPlan.
      HeldPlan held = new HeldPlan();
      // On an external cluster, `work` processes elsewhere may take some of the run's requests.
      CompletableFuture<Pipeline> pipeline = broker.thenApply(embedded -> Pipeline.start(
          kafka.on(embedded == null ? cluster : embedded.bootstrapServers()),
          workerCount, embedded, registries.clients, registries.resilience, deep.depth(), staging, held, out));
      pipeline.whenComplete((ready, failure) -> {
        if (failure != null) {
          held.fail(failure.getCause() instanceof RuntimeException cause ? cause : new CompletionException(failure));
        }
      });
      try {
        BundleRead read = BundleRead.of(source, staging, target, options, held, out);
        phase("bundle read", read);
        RunSummary summary = join(pipeline).finish(read, target);
        phase("run verified", summary);
        int status = report.finish(summary, out);
        out.printf("%s uploaded in %.1f s%n", Sizes.human(summary.bytesUploaded()),
            (System.nanoTime() - started) / 1e9);
        out.printf("run %s: mirrorseed report --run %s %s shows it again%n", summary.runId(), summary.runId(),
            kafka.reportFlags(workspace));
        read.rethrowIfUnreadable();
        return status;
      } finally {
        pipeline.thenAccept(Pipeline::close).exceptionally(e -> null).join();
      }
    } finally {
      broker.thenAccept(embedded -> {
        if (embedded != null) {
          embedded.close();
        }
      }).exceptionally(e -> null).join();
      phase("stopped", broker);
    }
  }

  private static int dryRun(Path source, Path staging, MirrorTarget target, PlanOptions options, PrintWriter out) {
    DryRun plan = new DryRun(out);
    BundleSummary summary = BundlePlanner.stream(source, staging, target, options, plan);
    out.printf("dry run: %d images (%d broken), %d unique blobs, %s from %s (%s); nothing pushed%n",
        summary.images(), summary.broken(), summary.uniqueBlobs(), Sizes.human(summary.uniqueBytes()),
        source, summary.bundleDigest());
    return plan.broken() == 0 ? ExitCode.OK.code : ExitCode.IMAGES_FAILED.code;
  }

  /**
   * Topics, a running worker pool, a verifier positioned before the run, and the run's publisher,
   * already receiving what the bundle reader finds.
   */
  private record Pipeline(WorkerPool pool, RunVerifier verifier, String runId,
      Map<TopicPartition, Long> from, RunPublisher publisher) implements AutoCloseable {
    /** {@code embedded}: the broker this process runs, or null when it uses a cluster others may use too. */
    static Pipeline start(KafkaSettings kafka, int workers, EmbeddedKafka embedded, RegistryClients registries,
        Resilience resilience, Depth depth, Path staging, HeldPlan held, PrintWriter out) {
      boolean othersPushToo = embedded == null;
      if (embedded != null && embedded.startedAfterCrash()) {
        // The embedded broker is this process's alone: the workers it still knows of died with the last
        // run, and the new ones would wait out those members' sessions and open transactions.
        DeadWorkers.Cleared cleared = DeadWorkers.clear(kafka);
        embedded.deadClientsCleared();
        LOG.debug("after a crash: {} dead workers left the group, {} of their transactions aborted, {} hanging",
            cleared.members(), cleared.transactions(), cleared.hanging());
      }
      // The workers open their clients and transactions while the broker readies the topics' partitions,
      // and join once it has. Not sooner: starting them while the controller still created the topics
      // timed out the embedded broker's heartbeat on 2 cores (an ERROR line) in one cold run in four.
      WorkerPool pool = new WorkerPool(kafka, workers, RunIds.processId(), registries, resilience, othersPushToo);
      CompletableFuture<Void> topics = new CompletableFuture<>();
      CompletableFuture.runAsync(() -> TopicSetup.ensureTopicsForWorkers(kafka, () -> pool.start(topics)))
          .whenComplete((made, failure) -> settle(topics, failure));
      String runId = RunIds.next();
      RunPublisher publisher = null;
      try {
        publisher = new RunPublisher(kafka, runId, staging.toAbsolutePath().toString(), othersPushToo);
        join(topics);
        phase("topics ready", kafka);
        // Made while the group forms: neither depends on it.
        RunVerifier verifier = new RunVerifier(kafka, registries, resilience::read, depth, OutcomeLine.printer(out));
        Map<TopicPartition, Long> from = verifier.currentPositions();
        // Publishing into a group still forming would move pushes between workers mid-push.
        pool.awaitAssignments(GROUP_SETTLES_WITHIN);
        phase("workers joined", pool);
        held.release(publisher);
        phase("publishing", publisher);
        return new Pipeline(pool, verifier, runId, from, publisher);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closeAll(publisher, pool);
        throw new IllegalStateException("interrupted while the workers joined their group", e);
      } catch (RuntimeException e) {
        closeAll(publisher, pool);
        throw e;
      }
    }

    private static void settle(CompletableFuture<Void> topics, Throwable failure) {
      if (failure == null) {
        topics.complete(null);
      } else {
        topics.completeExceptionally(failure instanceof CompletionException wrapped ? wrapped.getCause() : failure);
      }
    }

    private static void closeAll(RunPublisher publisher, WorkerPool pool) {
      if (publisher != null) {
        publisher.close();
      }
      pool.close();
    }

    /** Ends the run's publication as the bundle was {@code read}, and waits for every verdict. */
    RunSummary finish(BundleRead read, MirrorTarget target) {
      read.publish(publisher, target);
      return verifier.await(runId, from, pool::crash);
    }

    @Override
    public void close() {
      publisher.close();
      pool.close();
    }
  }

  /**
   * Logs (at debug) when a phase of the run ended, in ms since the JVM started: where a run's fixed
   * cost goes, for anyone profiling one.
   */
  private static <T> T phase(String ended, T result) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} at {} ms", ended, System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime());
    }
    return result;
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
