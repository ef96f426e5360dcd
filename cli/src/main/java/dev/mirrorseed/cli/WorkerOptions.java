package dev.mirrorseed.cli;

import dev.mirrorseed.work.PushWorker;
import picocli.CommandLine.Option;

/** How many workers a process runs, on push and work. */
final class WorkerOptions {
  @Option(names = "--workers", paramLabel = "N", defaultValue = "4",
      description = "Workers (consumer-group members) pushing in parallel, each up to "
          + PushWorker.PUSHES_AT_ONCE + " images at once (default: ${DEFAULT-VALUE}).")
  int workers;

  int count() {
    if (workers < 1) {
      throw new IllegalArgumentException("--workers must be at least 1, got " + workers);
    }
    return workers;
  }
}
