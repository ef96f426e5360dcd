package dev.mirrorseed.work;

import dev.mirrorseed.events.ImageFailed;
import dev.mirrorseed.events.ImagePushed;
import dev.mirrorseed.events.MirrorEvent;
import dev.mirrorseed.events.PushRequest;
import dev.mirrorseed.events.PushResult;
import dev.mirrorseed.events.Writer;
import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.push.ImagePush;
import dev.mirrorseed.push.PushFailure;
import dev.mirrorseed.push.PushOutcome;
import dev.mirrorseed.work.ResultTransactions.Done;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of the worker consumer group. It pushes up to {@link #PUSHES_AT_ONCE} images at once, each
 * on a thread of its own, while the poll thread keeps polling (with every partition paused once it is
 * full), so a push may last far longer than {@code max.poll.interval.ms} without the worker leaving its
 * group. Requests of one partition run side by side unless they are for the same target repository
 * (their key): those run in offset order, as the partition holds them. The results of the pushes that
 * have finished are committed with their requests' offsets in one transaction
 * ({@link ResultTransactions}), a partition's in offset order, so a finished push waits for those
 * before it on its partition: a crash repeats a push (harmless: pushes are content-addressed) but never
 * loses one or records it twice.
 *
 * <p>When a rebalance takes away a partition with pushes in flight, or the worker is stopped, they get
 * {@link #HANDOVER_GRACE} to finish, and those that do ahead of any that does not are committed while
 * the partition is still this worker's; the rest are abandoned uncommitted, and the partition's next
 * owner pushes those images again.
 */
public final class PushWorker implements Runnable {
  /** How long a push in flight may take to finish when its partition is revoked or the worker stops. */
  public static final Duration HANDOVER_GRACE = Duration.ofSeconds(5);
  /**
   * Pushes one worker runs side by side. More than one, so that a large image does not hold up the
   * small ones queued behind it or on the worker's other partitions while the rest of the pool idles;
   * the upload bulkhead, not this, bounds the uploads.
   */
  public static final int PUSHES_AT_ONCE = 3;
  /**
   * Pushes one worker holds at most, running or finished and waiting to be committed after an earlier
   * one of their partition: a bound on what a crash behind one long push makes the next owner redo.
   */
  static final int HELD_AT_MOST = 32;
  private static final Logger log = LoggerFactory.getLogger(PushWorker.class);
  private static final Duration IDLE_POLL = Duration.ofMillis(500);
  /** How often the poll thread polls while a push runs: often enough to join rebalances at once. */
  private static final Duration BUSY_POLL = Duration.ofMillis(100);
  /** How long a poll that catches up with a rebalance before a second commit may take. */
  private static final Duration REJOIN_POLL = Duration.ofMillis(500);
  /** Commits of one result after the first failed, before the image is pushed again instead. */
  private static final int COMMIT_RETRIES = 2;

  private final KafkaSettings settings;
  private final String workerId;
  private final PusherFactory pushers;
  private final WorkerClients clients;
  private final Duration handoverGrace;
  private final int pushesAtOnce;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final CountDownLatch assigned = new CountDownLatch(1);
  private final AtomicInteger pushThreads = new AtomicInteger();

  /** The thread opening the clients, until they are open: stop() interrupts it. */
  private Thread opener;
  /** Set by the poll thread; read by stop() too, to wake it up. */
  private volatile Consumer<String, MirrorEvent> requests;
  // Touched by the poll thread only (the rebalance listener runs inside poll).
  private ResultTransactions results;
  private final Map<TopicPartition, PartitionPushes> inFlight = new LinkedHashMap<>();
  /** Partitions whose next request is held back until the running push of its key (target repository) ends. */
  private final Map<TopicPartition, String> heldBack = new HashMap<>();
  /**
   * Partitions whose push has finished, or started or stopped waiting for a blob sent elsewhere, told
   * by the push threads, so the poll thread commits, or takes another request, at once.
   */
  private final BlockingQueue<TopicPartition> finished = new LinkedBlockingQueue<>();

  /** Gives the pusher for a target registry; workers keep one client per registry. */
  public interface PusherFactory {
    ImagePush forRegistry(String registry);
  }

  public PushWorker(KafkaSettings settings, String workerId, PusherFactory pushers) {
    this(settings, workerId, pushers, WorkerClients.of(settings), HANDOVER_GRACE, PUSHES_AT_ONCE);
  }

  public PushWorker(KafkaSettings settings, String workerId, PusherFactory pushers, WorkerClients clients,
      Duration handoverGrace, int pushesAtOnce) {
    if (pushesAtOnce < 1) {
      throw new IllegalArgumentException("a worker must push at least one image at a time, got " + pushesAtOnce);
    }
    this.settings = settings;
    this.workerId = workerId;
    this.pushers = pushers;
    this.clients = clients;
    this.handoverGrace = handoverGrace;
    this.pushesAtOnce = pushesAtOnce;
  }

  @Override
  public void run() {
    run(CompletableFuture.completedFuture(null));
  }

  /**
   * As {@link #run()}, but joins the group only once {@code topicsReady} completes: the worker opens its
   * clients and initialises its transactions meanwhile, the slow part of its start on a fresh cluster.
   * A consumer subscribing earlier could have the broker auto-create the requests topic its own way.
   * If {@code topicsReady} fails, the worker ends without joining; whoever made the topics reports why.
   */
  public void run(Future<?> topicsReady) {
    if (!opening()) {
      return;
    }
    // A thread per push, not one reused: an abandoned push that ignores its interrupt for a while
    // must not hold up the next one.
    ExecutorService pushing = Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, workerId + "-push-" + pushThreads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    try (Consumer<String, MirrorEvent> consumer = clients.requests(workerId);
        ResultTransactions transactions = new ResultTransactions(clients, workerId, settings.topics().results())) {
      requests = consumer;
      results = transactions;
      if (!awaitTopics(topicsReady) || !opened()) {
        return;
      }
      consumer.subscribe(List.of(settings.topics().requests()), new Handover());
      while (running.get() || !inFlight.isEmpty()) {
        if (!running.get()) {
          handOver(List.copyOf(inFlight.keySet()), "the worker is stopping");
        } else if (inFlight.isEmpty()) {
          takeWhileRoom(poll(IDLE_POLL), pushing);
        } else if (!full()) {
          // Room for more: wait for requests, and commit what finished meanwhile.
          takeWhileRoom(poll(BUSY_POLL), pushing);
          finishDone(finished.poll());
        } else {
          // Full: wait for a push to finish, polling only to stay in the group.
          finishDone(finished.poll(BUSY_POLL.toMillis(), TimeUnit.MILLISECONDS));
          takeWhileRoom(poll(Duration.ZERO), pushing);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (InterruptException e) {
      // stop() interrupted the opening of the clients (initTransactions waits out a missing cluster).
      if (running.get()) {
        throw e;
      }
    } finally {
      synchronized (this) {
        opener = null;
      }
      pushing.shutdownNow();
    }
  }

  /** Registers this thread as the one opening the clients, unless the worker was stopped already. */
  private synchronized boolean opening() {
    if (running.get()) {
      opener = Thread.currentThread();
    }
    return running.get();
  }

  /** The clients are open: stop() no longer interrupts. False if it was asked to, meanwhile. */
  private synchronized boolean opened() {
    opener = null;
    if (!running.get()) {
      // stop()'s interrupt, if it came after the clients had opened: it must not fail their close.
      Thread.interrupted();
      return false;
    }
    return true;
  }

  private boolean awaitTopics(Future<?> topicsReady) throws InterruptedException {
    while (running.get()) {
      try {
        topicsReady.get(IDLE_POLL.toMillis(), TimeUnit.MILLISECONDS);
        return true;
      } catch (TimeoutException e) {
        // Still being made; check for stop() again.
      } catch (ExecutionException e) {
        return false;
      }
    }
    return false;
  }

  /** Waits until the group has given this worker partitions to read; false if it did not in time. */
  public boolean awaitAssignment(Duration timeout) throws InterruptedException {
    return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Asks the loop to end; safe from any thread. A push in flight gets {@link #HANDOVER_GRACE} to finish
   * and be committed, else it is handed back. The consumer is woken up, so that the workers of a pool
   * stopped together leave their group together, not one idle poll apart, each leave rebalancing the
   * others. A worker still opening its clients is interrupted: initialising transactions waits out a
   * missing cluster for minutes.
   */
  public void stop() {
    running.set(false);
    synchronized (this) {
      if (opener != null) {
        opener.interrupt();
      }
    }
    Consumer<String, MirrorEvent> consumer = requests;
    if (consumer != null) {
      consumer.wakeup();
    }
  }

  private ConsumerRecords<String, MirrorEvent> poll(Duration timeout) {
    try {
      return requests.poll(timeout);
    } catch (WakeupException e) {
      // stop() asked: the loop sees it, and a push in flight is still handed over properly.
      return ConsumerRecords.empty();
    } catch (RecordDeserializationException e) {
      // Not a mirrorseed event: nothing can be pushed for it, and it must not block its partition.
      log.warn("{}: skipping offset {} of {}, which holds no push request: {}", workerId, e.offset(),
          e.topicPartition(), e.getMessage());
      requests.seek(e.topicPartition(), e.offset() + 1);
      nothingToPush(e.topicPartition(), e.offset());
      return ConsumerRecords.empty();
    }
  }

  /**
   * Takes {@code records}, then, while there is room, whatever the consumer has fetched already: a poll
   * gives one record, and a commit between two takes would leave the room empty for its duration.
   */
  private void takeWhileRoom(ConsumerRecords<String, MirrorEvent> records, ExecutorService pushing) {
    take(records, pushing);
    while (!records.isEmpty() && running.get() && !full()) {
      records = poll(Duration.ZERO);
      take(records, pushing);
    }
  }

  private void take(ConsumerRecords<String, MirrorEvent> records, ExecutorService pushing) {
    for (ConsumerRecord<String, MirrorEvent> record : records) {
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      PartitionPushes held = inFlight.get(partition);
      if (full() || heldBack.containsKey(partition)) {
        // Such partitions are paused, so this is not expected; read it again later.
        requests.seek(partition, record.offset());
      } else if (!(record.value() instanceof PushRequest request)) {
        nothingToPush(partition, record.offset());
      } else if (held != null && held.runs(record.key())) {
        // Its repository's earlier request is still being pushed: start it once that one has finished.
        requests.seek(partition, record.offset());
        heldBack.put(partition, record.key());
      } else {
        PushWaits waits = new PushWaits(() -> finished.add(partition));
        FutureTask<PushResult> push = new FutureTask<>(() -> push(request, waits)) {
          @Override
          protected void done() {
            // Called once the result is set (or the push cancelled), so the poll thread finds it done.
            finished.add(partition);
          }
        };
        inFlight.computeIfAbsent(partition, any -> new PartitionPushes())
            .add(new InFlight(partition, record.offset(), record.key(), push, waits));
        pushing.execute(push);
      }
    }
    if (!records.isEmpty()) {
      pauseBusyPartitions();
    }
  }

  /**
   * Marks a record that holds no request done: committed at once, or after the pushes before it on its
   * partition, whose offsets it would otherwise commit too.
   */
  private void nothingToPush(TopicPartition partition, long offset) {
    PartitionPushes held = inFlight.get(partition);
    if (held == null) {
      results.commit(List.of(new Done(partition, offset, null, null)), requests.groupMetadata());
    } else {
      held.add(InFlight.nothingToPush(partition, offset));
    }
  }

  /**
   * Whether the worker runs as many pushes as it may (not counting those that wait for a blob a worker
   * elsewhere sends), or holds as many as it may: it then takes no more requests.
   */
  private boolean full() {
    long busy = 0;
    int held = 0;
    for (PartitionPushes pushes : inFlight.values()) {
      busy += pushes.busy();
      held += pushes.size();
    }
    return busy >= pushesAtOnce || held >= HELD_AT_MOST;
  }

  /**
   * Pauses every partition while the worker is full, else those whose next request waits for a push
   * of the same repository, and resumes the rest: a paused partition's records stay where they are.
   */
  private void pauseBusyPartitions() {
    Set<TopicPartition> assigned = requests.assignment();
    boolean full = full();
    requests.pause(assigned.stream().filter(partition -> full || heldBack.containsKey(partition)).toList());
    requests.resume(assigned.stream().filter(partition -> !full && !heldBack.containsKey(partition)).toList());
  }

  /**
   * Commits, together, the finished pushes of the partitions told (from {@code first}, if not null) that
   * no earlier push of theirs is still running; releases the requests that waited for one of them.
   */
  private void finishDone(TopicPartition first) {
    Set<TopicPartition> told = new LinkedHashSet<>();
    for (TopicPartition partition = first; partition != null; partition = finished.poll()) {
      told.add(partition);
    }
    List<InFlight> done = new ArrayList<>();
    for (TopicPartition partition : told) {
      // Gone when it was handed over already.
      PartitionPushes held = inFlight.get(partition);
      if (held == null) {
        continue;
      }
      String awaited = heldBack.get(partition);
      if (awaited != null && !held.runs(awaited)) {
        heldBack.remove(partition);
      }
      done.addAll(takeFinished(partition));
    }
    if (!done.isEmpty()) {
      finish(done, true);
    } else if (!told.isEmpty()) {
      pauseBusyPartitions();
    }
  }

  /**
   * Commits the finished pushes' results with their offsets, in one transaction. If it fails and this
   * worker {@code keepsPartitions}, it commits again those results whose partition is still its own
   * after catching up with the group (a rebalance that left a partition here refuses the old
   * generation's offsets, yet the push stands), and only when that fails too seeks back and pushes
   * those images again, with what it held after them on their partitions, unless a commit did land.
   */
  private void finish(List<InFlight> pending, boolean keepsPartitions) {
    boolean committed = commit(pending);
    for (int again = 0; !committed && keepsPartitions && again < COMMIT_RETRIES; again++) {
      List<InFlight> left = uncommitted(pending);
      if (left.isEmpty()) {
        break;
      }
      // Back in front of what their partitions hold: a partition the rejoin takes away is then handed
      // over whole, in order, never committed past them.
      Map<TopicPartition, List<InFlight>> byPartition = left.stream()
          .collect(Collectors.groupingBy(InFlight::partition, LinkedHashMap::new, Collectors.toList()));
      byPartition.forEach((partition, pushes) ->
          inFlight.computeIfAbsent(partition, any -> new PartitionPushes()).putBack(pushes));
      rejoin();
      pending = new ArrayList<>();
      for (TopicPartition partition : byPartition.keySet()) {
        pending.addAll(takeFinished(partition));
      }
      committed = !pending.isEmpty() && commit(pending);
    }
    if (!committed && keepsPartitions) {
      redo(uncommitted(pending));
    }
    pauseBusyPartitions();
  }

  /**
   * Seeks each partition back to the first of {@code pushes} on it, dropping what the worker held after
   * it there: the consumer reads all of those again.
   */
  private void redo(List<InFlight> pushes) {
    Map<TopicPartition, Long> from = pushes.stream()
        .collect(Collectors.toMap(InFlight::partition, InFlight::offset, Math::min));
    from.forEach((partition, offset) -> {
      dropPushesOf(partition).forEach(InFlight::abandon);
      requests.seek(partition, offset);
    });
  }

  /** Takes the finished pushes at the front of {@code partition}'s, forgetting it once none are left. */
  private List<InFlight> takeFinished(TopicPartition partition) {
    PartitionPushes held = inFlight.get(partition);
    if (held == null) {
      return List.of();
    }
    List<InFlight> front = held.takeFinishedFront();
    if (held.isEmpty()) {
      inFlight.remove(partition);
    }
    return front;
  }

  /** Every push held from {@code partition}, in offset order; the worker holds none of them any more. */
  private List<InFlight> dropPushesOf(TopicPartition partition) {
    heldBack.remove(partition);
    PartitionPushes held = inFlight.remove(partition);
    return held == null ? List.of() : held.takeAll();
  }

  private boolean commit(List<InFlight> done) {
    return results.commit(done.stream().map(InFlight::done).toList(), requests.groupMetadata());
  }

  /**
   * The pushes whose partition is still this worker's and whose request is not committed: someone must
   * finish them.
   */
  private List<InFlight> uncommitted(List<InFlight> pushes) {
    List<InFlight> kept = pushes.stream().filter(push -> requests.assignment().contains(push.partition())).toList();
    Map<TopicPartition, OffsetAndMetadata> committed = committed(kept);
    return kept.stream()
        .filter(push -> {
          OffsetAndMetadata past = committed.get(push.partition());
          return past == null || past.offset() <= push.offset();
        })
        .toList();
  }

  /**
   * Polls with every partition paused, so the consumer completes a rebalance under way and the group
   * metadata a commit carries is current; a record a newly assigned partition yields is read again later.
   */
  private void rejoin() {
    requests.pause(requests.assignment());
    ConsumerRecords<String, MirrorEvent> stray = poll(REJOIN_POLL);
    for (TopicPartition partition : stray.partitions()) {
      requests.seek(partition, stray.records(partition).get(0).offset());
    }
  }

  /** The group's committed offsets of the pushes' partitions, asked at once; none when Kafka cannot say. */
  private Map<TopicPartition, OffsetAndMetadata> committed(List<InFlight> pushes) {
    if (pushes.isEmpty()) {
      return Map.of();
    }
    try {
      return requests.committed(pushes.stream().map(InFlight::partition).collect(Collectors.toSet()));
    } catch (KafkaException e) {
      return Map.of();
    }
  }

  /**
   * Gives the pushes held from {@code partitions} the grace, together, to finish, and commits in one
   * transaction those that do ahead of any that does not on their partition; the others are abandoned
   * uncommitted. Either way the partition's next owner, not this worker, pushes an image again if its
   * commit fails.
   */
  private void handOver(Collection<TopicPartition> partitions, String why) {
    long deadline = System.nanoTime() + handoverGrace.toNanos();
    List<InFlight> done = new ArrayList<>();
    for (TopicPartition partition : partitions) {
      List<InFlight> pushes = dropPushesOf(partition);
      int ended = 0;
      while (ended < pushes.size() && endsBy(pushes.get(ended), deadline)) {
        ended++;
      }
      done.addAll(pushes.subList(0, ended));
      abandon(pushes.subList(ended, pushes.size()), why);
    }
    if (!done.isEmpty()) {
      finish(done, false);
    } else {
      pauseBusyPartitions();
    }
  }

  private static boolean endsBy(InFlight push, long deadline) {
    try {
      return push.await(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Stops {@code pushes}, all of one partition, uncommitted; the partition's next owner redoes them. */
  private void abandon(List<InFlight> pushes, String why) {
    if (pushes.isEmpty()) {
      return;
    }
    pushes.forEach(InFlight::abandon);
    long first = pushes.get(0).offset();
    long last = pushes.get(pushes.size() - 1).offset();
    log.info("{}: handing back {} of {} uncommitted ({}); the partition's next owner pushes {} again", workerId,
        first == last ? "offset " + first : "offsets " + first + "-" + last, pushes.get(0).partition(), why,
        first == last ? "it" : "them");
  }

  /** Keeps a rebalance from taking a partition away from under a push, or feeding a busy worker. */
  private final class Handover implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // The partitions are still this worker's until this returns: a result committed now is valid.
      handOver(partitions, "its partition was reassigned");
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      // Out of the group already: nothing can be committed, so there is nothing to wait for.
      for (TopicPartition partition : partitions) {
        abandon(dropPushesOf(partition), "the worker lost its partitions");
      }
      pauseBusyPartitions();
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (!inFlight.isEmpty()) {
        pauseBusyPartitions();
      }
      if (!requests.assignment().isEmpty()) {
        assigned.countDown();
      }
    }
  }

  private PushResult push(PushRequest request, PushWaits waits) {
    long started = System.nanoTime();
    try {
      PushOutcome outcome = pushers.forRegistry(request.image().targetRegistry()).push(request, waits);
      long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
      log.debug("pushed {} in {} ms ({} uploaded, {} skipped, {} mounted, {} bytes)", request.image().targetRef(),
          millis, outcome.blobsUploaded(), outcome.blobsSkipped(), outcome.blobsMounted(), outcome.bytesUploaded());
      return new ImagePushed(request.runId(), Instant.now(), request.image(), outcome.pushedDigest(),
          outcome.blobsUploaded(), outcome.blobsSkipped(), outcome.blobsMounted(), outcome.bytesUploaded(),
          outcome.attempts(), millis, workerId, Writer.current());
    } catch (RuntimeException e) {
      long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
      FailureKind kind = FailureKind.of(e instanceof PushFailure failure ? failure.failure() : e);
      int attempts = e instanceof PushFailure failure ? failure.attempts() : 1;
      log.warn("failed {}: {}", request.image().targetRef(), kind.message());
      return new ImageFailed(request.runId(), Instant.now(), request.image(), kind.code(),
          kind.message(), attempts, millis, workerId, Writer.current());
    }
  }
}
