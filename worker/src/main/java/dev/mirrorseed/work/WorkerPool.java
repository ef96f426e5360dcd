package dev.mirrorseed.work;

import dev.mirrorseed.events.Topics;
import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.push.BlobLedger;
import dev.mirrorseed.push.ImagePusher;
import dev.mirrorseed.registry.RegistryClient;
import dev.mirrorseed.registry.RegistryClients;
import dev.mirrorseed.resilience.RegistryResilience;
import dev.mirrorseed.resilience.Resilience;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * N {@link PushWorker}s in one process, each its own consumer-group member on its own thread, sharing
 * one registry client and one {@link BlobLedger} per registry, so a layer several images share is sent
 * once and mounted elsewhere. The same group spans processes, so more processes mean more pushes.
 */
public final class WorkerPool implements AutoCloseable {
  private final List<PushWorker> workers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicReference<Throwable> crash = new AtomicReference<>();
  private final CompletableFuture<Void> topicsReady = new CompletableFuture<>();
  /** When other processes push too: what the group has committed, for pushes waiting on theirs. */
  private final GroupCommits groupCommits;

  public WorkerPool(KafkaSettings settings, int size, String processId, RegistryClients registries) {
    this(settings, size, processId, registries, Resilience.defaults(), false);
  }

  /**
   * Workers sharing {@code resilience}: one retry policy, breaker, set of limits per registry.
   * {@code othersPushToo} when worker processes elsewhere may take requests of the same runs: then a
   * layer an earlier image shares is waited for where that image puts it, until the group has committed
   * that image's request (see {@link ImagePusher}).
   */
  public WorkerPool(KafkaSettings settings, int size, String processId, RegistryClients registries,
      Resilience resilience, boolean othersPushToo) {
    Map<String, BlobLedger> ledgers = new ConcurrentHashMap<>();
    groupCommits = othersPushToo ? new GroupCommits(settings) : null;
    for (int i = 1; i <= size; i++) {
      String workerId = processId + "-w" + i;
      PushWorker worker = new PushWorker(settings, workerId, registry -> {
        RegistryClient client = registries.forRegistry(registry);
        RegistryResilience registryResilience = resilience.forRegistry(registry);
        BlobLedger ledger = ledgers.computeIfAbsent(registry, key -> new BlobLedger());
        return groupCommits == null
            ? new ImagePusher(client, registryResilience, ledger)
            : new ImagePusher(client, registryResilience, ledger, groupCommits);
      });
      Thread thread = new Thread(() -> worker.run(topicsReady), workerId);
      thread.setUncaughtExceptionHandler((t, e) -> crash.compareAndSet(null, e));
      workers.add(worker);
      threads.add(thread);
    }
  }

  /** Starts the workers on topics that exist already. */
  public void start() {
    start(CompletableFuture.completedFuture(null));
  }

  /**
   * Starts the workers while the topics are still being made: each opens its clients and initialises
   * its transactions at once, and joins the group when {@code topics} completes (see
   * {@link PushWorker#run(java.util.concurrent.Future)}).
   */
  public void start(CompletionStage<?> topics) {
    topics.whenComplete((made, failure) -> {
      if (failure == null) {
        topicsReady.complete(null);
      } else {
        topicsReady.completeExceptionally(failure);
      }
    });
    threads.forEach(Thread::start);
  }

  /**
   * Waits, up to {@code timeout}, until every worker that can get a partition of the requests topic
   * has one: the group has settled, so work published now is not moved between workers by rebalances
   * mid-push (which hand pushes over, or redo them). A pool larger than the topic's partitions waits
   * for as many workers as there are partitions.
   */
  public void awaitAssignments(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int expected = Math.min(workers.size(), Topics.REQUEST_PARTITIONS);
    int settled = 0;
    for (PushWorker worker : workers) {
      Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
      if (worker.awaitAssignment(left) && ++settled >= expected) {
        return;
      }
    }
  }

  /** The first failure that ended a worker thread, if any: a pool that lost a thread must say so. */
  public Throwable crash() {
    return crash.get();
  }

  @Override
  public void close() {
    workers.forEach(PushWorker::stop);
    try {
      for (Thread thread : threads) {
        thread.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (groupCommits != null) {
        groupCommits.close();
      }
    }
  }
}
