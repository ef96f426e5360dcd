package dev.mirrorseed.cli;

import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.kafka.TopicSetup;
import dev.mirrorseed.work.PushWorker;
import dev.mirrorseed.work.WorkerPool;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code mirrorseed work}: workers alone, members of the pipeline's consumer group, pushing whatever
 * requests any producer publishes until SIGTERM or SIGINT. Then each push in flight gets
 * {@link PushWorker#HANDOVER_GRACE} to finish and be committed, or is handed back to the group, and
 * the process exits 0. Start as many as the registry takes, on as many machines.
 */
@Command(
    name = "work",
    mixinStandardHelpOptions = true,
    description = "Push the images producers publish, as members of the worker group, until SIGTERM or SIGINT.")
final class WorkCommand implements Callable<Integer> {
  /** How often the process looks whether a worker thread died. */
  private static final long CRASH_CHECK_MILLIS = 500;

  @Spec CommandSpec spec;

  @Mixin KafkaOptions kafka;

  @Mixin WorkerOptions workers;

  @Mixin RegistryOptions registryOptions;

  @Mixin ResilienceOptions resilienceOptions;

  @Mixin MetricsOptions metricsOptions;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    KafkaSettings settings = kafka.required();
    int count = workers.count();
    String processId = RunIds.processId();
    try (RegistryStack registries = RegistryStack.open(registryOptions, resilienceOptions, metricsOptions, err,
            System.in, err);
        StopSignals stop = StopSignals.install()) {
      TopicSetup.ensureTopicsForWorkers(settings, () -> { });
      Throwable crash;
      // Other `work` processes share the group: a layer of several images is waited for where the first
      // of them puts it, not sent once per process.
      try (WorkerPool pool = new WorkerPool(settings, count, processId, registries.clients, registries.resilience,
          true)) {
        pool.start();
        err.printf("%s: %d workers in group %s on %s, taking requests from %s; stop with SIGTERM or Ctrl-C%n",
            processId, count, settings.topics().workerGroup(), settings.bootstrapServers(),
            settings.topics().requests());
        err.flush();
        while (!stop.await(CRASH_CHECK_MILLIS) && pool.crash() == null) {
          // Serving; the workers do the work.
        }
        crash = pool.crash();
        err.printf("%s: stopping: pushes in flight get %d s to finish, the rest go back to the group%n",
            processId, PushWorker.HANDOVER_GRACE.toSeconds());
        err.flush();
      }
      if (crash != null) {
        throw new IllegalStateException("a worker of " + processId + " died: " + crash, crash);
      }
      err.printf("%s: stopped%n", processId);
      return ExitCode.OK.code;
    }
  }
}
