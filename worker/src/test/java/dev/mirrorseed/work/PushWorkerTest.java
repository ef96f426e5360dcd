package dev.mirrorseed.work;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.events.EventJson;
import dev.mirrorseed.events.ImageFailed;
import dev.mirrorseed.events.ImagePushed;
import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.events.MirrorEvent;
import dev.mirrorseed.events.PushRequest;
import dev.mirrorseed.events.Topics;
import dev.mirrorseed.events.Writer;
import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.push.ImagePush;
import dev.mirrorseed.push.PushOutcome;
import dev.mirrorseed.push.SharedBlobWaits;
import dev.mirrorseed.registry.RegistryException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The worker loop's delivery rules, on Kafka's mock clients so that rebalances and failures come
 * exactly when a test says: pushes run off the poll thread, results commit with their offsets in one
 * transaction, and a partition taken away mid-push is handed over finished or not at all.
 */
class PushWorkerTest {
  private static final Topics TOPICS = new Topics("t");
  private static final TopicPartition P0 = new TopicPartition(TOPICS.requests(), 0);
  private static final TopicPartition P1 = new TopicPartition(TOPICS.requests(), 1);
  private static final TopicPartition P2 = new TopicPartition(TOPICS.requests(), 2);
  private static final Duration GRACE = Duration.ofMillis(300);

  private final LogBackedConsumer consumer = new LogBackedConsumer();
  private final List<MockProducer<String, MirrorEvent>> producers = new CopyOnWriteArrayList<>();
  /** How many of the next producers fail their commit, as after a rebalance. */
  private final AtomicInteger failingCommits = new AtomicInteger();
  /** When set, the next commit waits until it opens, as a slow one on a real broker does. */
  private volatile CountDownLatch commitGate;
  /** Counted down when a commit has reached the gate. */
  private final CountDownLatch commitAtGate = new CountDownLatch(1);
  private final WorkerClients clients = new WorkerClients() {
    @Override
    public MockConsumer<String, MirrorEvent> requests(String workerId) {
      return consumer;
    }

    @Override
    public MockProducer<String, MirrorEvent> results(String workerId) {
      MockProducer<String, MirrorEvent> producer =
          new MockProducer<>(true, null, new StringSerializer(), new EventJson.EventSerializer()) {
            @Override
            public synchronized void commitTransaction() {
              CountDownLatch gate = commitGate;
              if (gate != null) {
                commitGate = null;
                commitAtGate.countDown();
                try {
                  gate.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              super.commitTransaction();
            }
          };
      if (failingCommits.getAndDecrement() > 0) {
        producer.commitTransactionException = new CommitFailedException("generation moved on");
      }
      producers.add(producer);
      return producer;
    }
  };
  private final AtomicReference<Throwable> crash = new AtomicReference<>();
  private Thread thread;
  private PushWorker worker;

  @AfterEach
  void stopWorker() throws InterruptedException {
    if (worker != null) {
      worker.stop();
      thread.join(5_000);
    }
  }

  @Test
  void aFullWorkerKeepsThePollLoopGoingWithEveryPartitionPausedAndCommitsOnce() throws Exception {
    GatedPush push = new GatedPush();
    start(push, 1, P0, P1);
    consumer.schedulePollTask(() -> consumer.addRecord(request(P0, 0, "a")));
    assertThat(push.started.await(5, TimeUnit.SECONDS)).as("push started").isTrue();
    int pollsBefore = consumer.pausedPolls.get();

    Thread.sleep(600);

    assertThat(consumer.pausedPolls.get() - pollsBefore).as("polls while the push runs").isGreaterThanOrEqualTo(3);
    assertThat(consumer.paused()).containsExactlyInAnyOrder(P0, P1);
    assertThat(committedResults()).isEmpty();

    push.release.countDown();

    await(() -> committedResults().size() == 1);
    assertThat(committedResults().get(0)).isInstanceOf(ImagePushed.class);
    assertThat(committedOffsets()).containsExactly(Map.of(P0, new OffsetAndMetadata(1)));
    await(() -> consumer.paused().isEmpty());
    assertThat(push.calls.get()).isEqualTo(1);
  }

  @Test
  void slotsFreedDuringACommitAreAllFilledBeforeTheNextCommit() throws Exception {
    GatedPushes pushes = new GatedPushes("a", "b", "c", "d", "e", "f");
    CountDownLatch firstCommit = new CountDownLatch(1);
    pushABAndCWithTheFirstCommitGated(pushes, firstCommit);
    consumer.schedulePollTask(() -> {
      consumer.addRecord(request(P0, 1, "d"));
      consumer.addRecord(request(P1, 1, "e"));
      consumer.addRecord(request(P2, 1, "f"));
    });

    pushes.release("a");
    assertThat(commitAtGate.await(5, TimeUnit.SECONDS)).as("a's commit under way").isTrue();
    CountDownLatch secondCommit = new CountDownLatch(1);
    commitGate = secondCommit;
    pushes.release("b");
    pushes.release("c");
    await(() -> pushes.ended.size() == 3);
    Thread.sleep(100); // their futures complete just after the pushes return
    firstCommit.countDown();

    // While b's and c's commit waits at the gate. A poll gives one record: taking one per loop, the
    // worker took d, then e, then committed b and c before it took f.
    await(() -> pushes.started.size() == 6, () -> "started " + pushes.started);
    secondCommit.countDown();
    List.of("d", "e", "f").forEach(pushes::release);
    await(() -> committedResults().size() == 6);
    assertThat(committedOffsets().get(0)).isEqualTo(Map.of(P0, new OffsetAndMetadata(1)));
    assertThat(committedOffsets().get(1)).isEqualTo(Map.of(P1, new OffsetAndMetadata(1), P2, new OffsetAndMetadata(1)));
    assertThat(lastCommitted()).isEqualTo(Map.of(P0, 2L, P1, 2L, P2, 2L));
  }

  @Test
  void aWorkerPushesUpToItsLimitAtOnceAndAFreedSlotTakesTheNextRequest() {
    GatedPushes pushes = new GatedPushes("a", "b", "c", "d");
    start(pushes, 2, P0, P1, P2);
    consumer.schedulePollTask(() -> {
      consumer.addRecord(request(P0, 0, "a"));
      consumer.addRecord(request(P1, 0, "b"));
      consumer.addRecord(request(P2, 0, "c"));
      consumer.addRecord(request(P2, 1, "d"));
    });

    await(() -> pushes.started.size() == 2);
    await(() -> consumer.paused().equals(Set.of(P0, P1, P2)));
    assertThat(committedOffsets()).isEmpty();

    String first = pushes.started.get(0);
    pushes.release(first);
    await(() -> pushes.started.size() == 3);
    assertThat(committedOffsets()).hasSize(1);

    List.of("a", "b", "c", "d").forEach(pushes::release);
    await(() -> committedResults().size() == 4);
    await(() -> consumer.paused().isEmpty());
    assertThat(pushes.started).containsExactlyInAnyOrder("a", "b", "c", "d");
    assertThat(lastCommitted()).isEqualTo(Map.of(P0, 1L, P1, 1L, P2, 2L));
  }

  @Test
  void aPushWaitingForABlobAWorkerElsewhereSendsLeavesItsSlotToAnotherRequest() {
    GatedPushes pushes = new GatedPushes("a", "b");
    CountDownLatch waiting = new CountDownLatch(1);
    CountDownLatch waitOver = new CountDownLatch(1);
    ImagePush waitingFirst = new ImagePush() {
      @Override
      public PushOutcome push(PushRequest request) {
        return pushes.push(request);
      }

      @Override
      public PushOutcome push(PushRequest request, SharedBlobWaits waits) {
        if (request.image().targetRepository().endsWith("/a")) {
          waits.started();
          waiting.countDown();
          try {
            waitOver.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          waits.ended();
        }
        return pushes.push(request);
      }
    };
    start(waitingFirst, 1, P0, P1);
    consumer.schedulePollTask(() -> consumer.addRecord(request(P0, 0, "a")));
    await(() -> waiting.getCount() == 0);
    consumer.schedulePollTask(() -> consumer.addRecord(request(P1, 0, "b")));

    await(() -> pushes.started.contains("b"));
    await(() -> consumer.paused().equals(Set.of(P0, P1)));

    waitOver.countDown();
    await(() -> pushes.started.contains("a"));
    List.of("a", "b").forEach(pushes::release);
    await(() -> committedResults().size() == 2);
    assertThat(lastCommitted()).isEqualTo(Map.of(P0, 1L, P1, 1L));
  }

  @Test
  void requestsOfOnePartitionForDifferentRepositoriesRunSideBySideAndCommitInOffsetOrder() {
    GatedPushes pushes = new GatedPushes("big", "small", "tiny");
    start(pushes, 3, P0);
    consumer.schedulePollTask(() -> {
      consumer.addRecord(request(P0, 0, "big"));
      consumer.addRecord(request(P0, 1, "small"));
      consumer.addRecord(request(P0, 2, "tiny"));
    });
    await(() -> pushes.started.size() == 3);

    pushes.release("tiny");
    pushes.release("small");
    await(() -> pushes.ended.size() == 2);
    sleepThen(200, () -> {});
    assertThat(committedOffsets()).as("nothing past big, which still runs").isEmpty();

    pushes.release("big");
    await(() -> committedResults().size() == 3);
    assertThat(committedOffsets()).containsExactly(Map.of(P0, new OffsetAndMetadata(3)));
    assertThat(committedResults()).extracting(result -> ((ImagePushed) result).image().targetRepository())
        .containsExactly("ns/x/big", "ns/x/small", "ns/x/tiny");
  }

  @Test
  void behindOneLongPushAWorkerHoldsAtMostItsLimitOfFinishedOnes() {
    CountDownLatch bigDone = new CountDownLatch(1);
    List<String> started = new CopyOnWriteArrayList<>();
    start(request -> {
      String repository = request.image().targetRepository();
      started.add(repository);
      if (repository.endsWith("/big")) {
        try {
          bigDone.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return pushed();
    }, 3, P0);
    int behind = PushWorker.HELD_AT_MOST + 8;
    consumer.schedulePollTask(() -> {
      consumer.addRecord(request(P0, 0, "big"));
      for (int i = 1; i <= behind; i++) {
        consumer.addRecord(request(P0, i, "small-" + i));
      }
    });

    await(() -> started.size() == PushWorker.HELD_AT_MOST);
    sleepThen(300, () -> {});
    assertThat(started).as("pushes started behind big").hasSize(PushWorker.HELD_AT_MOST);
    assertThat(committedOffsets()).isEmpty();

    bigDone.countDown();
    await(() -> committedResults().size() == behind + 1);
    assertThat(lastCommitted()).isEqualTo(Map.of(P0, behind + 1L));
  }

  @Test
  void aRequestForTheRepositoryOfARunningPushWaitsForItAndHoldsBackTheRestOfItsPartition() {
    GatedPushes pushes = new GatedPushes("a", "b");
    start(pushes, 3, P0, P1);
    consumer.schedulePollTask(() -> {
      consumer.addRecord(request(P0, 0, "a", "1"));
      consumer.addRecord(request(P0, 1, "a", "2"));
      consumer.addRecord(request(P0, 2, "b"));
      consumer.addRecord(request(P1, 0, "b"));
    });
    await(() -> pushes.started.size() == 2);
    await(() -> consumer.paused().equals(Set.of(P0)));
    sleepThen(200, () -> {});
    assertThat(pushes.started).as("a:2 waits for a:1; b on P0 behind it").containsExactlyInAnyOrder("a", "b");
    assertThat(consumer.position(P0)).as("sought back to a:2").isEqualTo(1);

    pushes.release("b");
    await(() -> committedOffsets().size() == 1);
    assertThat(committedOffsets()).containsExactly(Map.of(P1, new OffsetAndMetadata(1)));
    pushes.release("a");
    await(() -> committedOffsets().stream().filter(offsets -> offsets.containsKey(P0))
        .anyMatch(offsets -> offsets.get(P0).offset() == 3));

    assertThat(consumer.position(P0)).isEqualTo(3);
    assertThat(pushes.endedBeforeStart.get("a#2")).as("ended when a:2 started").contains("a#1");
  }

  @Test
  void aRevokedPartitionIsCommittedOnlyUpToItsFirstPushThatOutlastsTheGrace() throws Exception {
    GatedPushes pushes = new GatedPushes("a", "b", "c");
    start(pushes, 3, P0, P1);
    consumer.schedulePollTask(() -> {
      consumer.addRecord(request(P0, 0, "a"));
      consumer.addRecord(request(P0, 1, "b"));
      consumer.addRecord(request(P0, 2, "c"));
    });
    await(() -> pushes.started.size() == 3);
    pushes.release("a");
    pushes.release("c");
    await(() -> committedOffsets().size() == 1);

    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P1)));

    await(() -> pushes.interrupted.contains("b"));
    await(() -> consumer.assignment().equals(Set.of(P1)) && consumer.paused().isEmpty());
    sleepThen(200, () -> {});
    assertThat(committedOffsets()).as("c, done, is handed back with b")
        .containsExactly(Map.of(P0, new OffsetAndMetadata(1)));
    assertThat(committedResults()).hasSize(1);
  }

  @Test
  void pushesThatEndWhileACommitIsUnderWayAreCommittedTogetherInTheNextTransaction() throws Exception {
    GatedPushes pushes = new GatedPushes("a", "b", "c");
    CountDownLatch gate = new CountDownLatch(1);
    pushABAndCWithTheFirstCommitGated(pushes, gate);

    pushes.release("a");
    assertThat(commitAtGate.await(5, TimeUnit.SECONDS)).as("a's commit under way").isTrue();
    pushes.release("b");
    pushes.release("c");
    await(() -> pushes.ended.size() == 3);
    Thread.sleep(100); // their futures complete just after the pushes return
    gate.countDown();

    await(() -> committedResults().size() == 3);
    assertThat(committedOffsets()).containsExactly(
        Map.of(P0, new OffsetAndMetadata(1)),
        Map.of(P1, new OffsetAndMetadata(1), P2, new OffsetAndMetadata(1)));
  }

  @Test
  void stoppingGivesEveryPushInFlightOneGraceTogether() throws Exception {
    GatedPushes pushes = new GatedPushes("a", "b");
    start(pushes, 2, P0, P1);
    consumer.schedulePollTask(() -> {
      consumer.addRecord(request(P0, 0, "a"));
      consumer.addRecord(request(P1, 0, "b"));
    });
    await(() -> pushes.started.size() == 2);
    long stopping = System.nanoTime();

    worker.stop();
    thread.join(5_000);

    assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(GRACE.multipliedBy(2));
    // The worker interrupts both as it ends; each push thread notes it on its own a moment later.
    await(() -> pushes.interrupted.size() == 2, () -> "interrupted: " + pushes.interrupted);
    assertThat(pushes.interrupted).containsExactlyInAnyOrder("a", "b");
    assertThat(committedOffsets()).isEmpty();
  }

  @Test
  void aRequestWhoseRetriesAreExhaustedIsCommittedAsFailedAndTheNextOneIsPushed() {
    AtomicInteger calls = new AtomicInteger();
    start(request -> {
      if (calls.incrementAndGet() == 1) {
        throw new RegistryException("registry 127.0.0.1:1 answered 503 five times", 503, null, true, null, null);
      }
      return pushed();
    }, P0);
    // One repository, so the second push starts only once the first has failed.
    consumer.schedulePollTask(() -> {
      consumer.addRecord(request(P0, 0, "a", "1"));
      consumer.addRecord(request(P0, 1, "a", "2"));
    });

    await(() -> committedResults().size() == 2);

    ImageFailed failed = (ImageFailed) committedResults().get(0);
    assertThat(failed.message()).contains("503 five times");
    assertThat(committedResults().get(1)).isInstanceOf(ImagePushed.class);
    // One transaction or two: the second push may end before the worker commits the first.
    assertThat(lastCommitted()).isEqualTo(Map.of(P0, 2L));
  }

  @Test
  void aRevokedPartitionsPushThatFinishesWithinTheGraceIsCommittedBeforeItIsHandedOver() throws Exception {
    GatedPush push = pushInFlight(P0, P1);

    // Finishes while the rebalance waits for it.
    new Thread(() -> sleepThen(100, push.release::countDown)).start();
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P1)));

    await(() -> committedResults().size() == 1);
    assertThat(committedOffsets()).containsExactly(Map.of(P0, new OffsetAndMetadata(1)));
    await(() -> consumer.assignment().equals(Set.of(P1)) && consumer.paused().isEmpty());
  }

  @Test
  void aRevokedPartitionsPushThatOutlastsTheGraceIsAbandonedUncommitted() throws Exception {
    GatedPush push = pushInFlight(P0, P1);

    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P1)));

    assertThat(push.interrupted.await(5, TimeUnit.SECONDS)).as("the abandoned push is interrupted").isTrue();
    await(() -> consumer.assignment().equals(Set.of(P1)) && consumer.paused().isEmpty());
    Thread.sleep(200);
    assertThat(committedResults()).isEmpty();
    assertThat(committedOffsets()).isEmpty();
  }

  @Test
  void aLostPartitionsPushIsAbandonedAtOnce() throws Exception {
    GatedPush push = pushInFlight(P0);

    consumer.schedulePollTask(() -> consumer.losePartitions(List.of(P0)));

    assertThat(push.interrupted.await(GRACE.toMillis() / 2, TimeUnit.MILLISECONDS)).isTrue();
    Thread.sleep(200);
    assertThat(committedResults()).isEmpty();
  }

  @Test
  void aCommitRefusedByARebalanceThatKeptThePartitionIsMadeAgainWithoutPushingAgain() {
    AtomicInteger calls = new AtomicInteger();
    failingCommits.set(1);
    start(request -> {
      calls.incrementAndGet();
      return pushed();
    }, P0);
    consumer.schedulePollTask(() -> consumer.addRecord(request(P0, 0, "a")));

    await(() -> committedResults().size() == 1);

    assertThat(calls.get()).as("pushes").isEqualTo(1);
    assertThat(producers).hasSize(2);
    assertThat(producers.get(0).transactionCommitted()).isFalse();
    assertThat(producers.get(0).closed()).as("the failed producer is replaced").isTrue();
    assertThat(committedOffsets()).containsExactly(Map.of(P0, new OffsetAndMetadata(1)));
  }

  @Test
  void aResultThatCannotBeCommittedIsAbortedAndTheRequestPushedAgain() {
    AtomicInteger calls = new AtomicInteger();
    failingCommits.set(3); // the first commit and both commits made again
    start(request -> {
      calls.incrementAndGet();
      return pushed();
    }, P0);
    consumer.schedulePollTask(() -> consumer.addRecord(request(P0, 0, "a")));

    await(() -> producers.size() == 4);
    await(() -> committedResults().size() == 1);

    assertThat(calls.get()).as("pushes").isEqualTo(2);
    assertThat(producers.subList(0, 3)).noneMatch(MockProducer::transactionCommitted);
    assertThat(committedOffsets()).containsExactly(Map.of(P0, new OffsetAndMetadata(1)));
  }

  @Test
  void aCommitThatCannotLandHasThePushesHeldBehindItOnItsPartitionRedoneWithIt() {
    GatedPushes pushes = new GatedPushes("a", "b");
    failingCommits.set(3); // the first commit and both commits made again
    start(pushes, 3, P0);
    consumer.schedulePollTask(() -> {
      consumer.addRecord(request(P0, 0, "a"));
      consumer.addRecord(request(P0, 1, "b"));
    });
    await(() -> pushes.started.size() == 2);

    pushes.release("a");

    await(() -> pushes.interrupted.contains("b"));
    await(() -> pushes.started.size() == 4);
    pushes.release("b");
    await(() -> committedResults().size() == 2);
    assertThat(producers.subList(0, 3)).noneMatch(MockProducer::transactionCommitted);
    assertThat(lastCommitted()).isEqualTo(Map.of(P0, 2L));
    assertThat(committedResults()).extracting(result -> ((ImagePushed) result).image().targetRepository())
        .containsExactly("ns/x/a", "ns/x/b");
  }

  @Test
  void stoppingLetsThePushInFlightFinishAndCommitsIt() throws Exception {
    GatedPush push = pushInFlight(P0);

    worker.stop();
    sleepThen(100, push.release::countDown);
    thread.join(5_000);

    assertThat(thread.isAlive()).isFalse();
    assertThat(committedResults()).hasSize(1);
    assertThat(consumer.closed()).isTrue();
  }

  @Test
  void stoppingHandsBackAPushThatOutlastsTheGrace() throws Exception {
    GatedPush push = pushInFlight(P0);
    long stopping = System.nanoTime();

    worker.stop();
    thread.join(5_000);

    assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(GRACE.plusSeconds(2));
    // Interrupted as the worker ends; the push thread notes it on its own a moment later.
    assertThat(push.interrupted.await(5, TimeUnit.SECONDS)).as("the handed-back push is interrupted").isTrue();
    assertThat(committedResults()).isEmpty();
    assertThat(committedOffsets()).isEmpty();
  }

  @Test
  void aWorkerInitialisesItsTransactionsAtOnceButJoinsItsGroupOnlyOnceTheTopicsAreReady() throws Exception {
    CompletableFuture<Void> topics = new CompletableFuture<>();
    startBefore(topics);

    await(() -> !producers.isEmpty() && producers.get(0).transactionInitialized());
    Thread.sleep(200);
    assertThat(consumer.subscription()).as("subscribed before the topics were ready").isEmpty();

    topics.complete(null);

    await(() -> consumer.subscription().contains(TOPICS.requests()));
  }

  @Test
  void aWorkerWhoseTopicsCouldNotBeMadeEndsWithoutJoining() throws Exception {
    CompletableFuture<Void> topics = new CompletableFuture<>();
    startBefore(topics);
    await(() -> !producers.isEmpty() && producers.get(0).transactionInitialized());

    topics.completeExceptionally(new IllegalStateException("no such cluster"));
    thread.join(5_000);

    assertThat(thread.isAlive()).isFalse();
    assertThat(crash.get()).isNull();
    assertThat(consumer.subscription()).isEmpty();
    assertThat(consumer.closed()).isTrue();
  }

  @Test
  void aWorkerStoppedWhileItsClusterIsUnreachableEndsAtOnce() throws Exception {
    // Real clients: without an interrupt, initTransactions waits for the cluster for minutes (RIDES_OUT).
    KafkaSettings nowhere = new KafkaSettings("127.0.0.1:1", TOPICS);
    worker = new PushWorker(nowhere, "w1", registry -> request -> pushed(), WorkerClients.of(nowhere), GRACE,
        PushWorker.PUSHES_AT_ONCE);
    thread = new Thread(() -> worker.run(new CompletableFuture<Void>()), "worker-under-test");
    thread.setUncaughtExceptionHandler((t, e) -> crash.set(e));
    thread.start();
    Thread.sleep(500);
    long stopping = System.nanoTime();

    worker.stop();
    thread.join(KafkaSettings.RIDES_OUT.toMillis());

    assertThat(thread.isAlive()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(5));
    assertThat(crash.get()).as("what ended the worker thread").isNull();
  }

  /** Starts the worker on {@code partitions} with a request on P0 whose push waits for the test. */
  private GatedPush pushInFlight(TopicPartition... partitions) throws InterruptedException {
    GatedPush push = new GatedPush();
    start(push, partitions);
    consumer.schedulePollTask(() -> consumer.addRecord(request(P0, 0, "a")));
    assertThat(push.started.await(5, TimeUnit.SECONDS)).as("push started").isTrue();
    return push;
  }

  /** A worker with room for 3 pushing a, b and c (on P0, P1 and P2); its next commit waits for {@code gate}. */
  private void pushABAndCWithTheFirstCommitGated(GatedPushes pushes, CountDownLatch gate) {
    commitGate = gate;
    start(pushes, 3, P0, P1, P2);
    consumer.schedulePollTask(() -> {
      consumer.addRecord(request(P0, 0, "a"));
      consumer.addRecord(request(P1, 0, "b"));
      consumer.addRecord(request(P2, 0, "c"));
    });
    await(() -> pushes.started.size() == 3);
  }

  private void start(ImagePush push, TopicPartition... partitions) {
    start(push, PushWorker.PUSHES_AT_ONCE, partitions);
  }

  private void start(ImagePush push, int pushesAtOnce, TopicPartition... partitions) {
    consumer.setMaxPollRecords(1);
    consumer.schedulePollTask(() -> {
      consumer.rebalance(List.of(partitions));
      consumer.updateBeginningOffsets(Arrays.stream(partitions)
          .collect(Collectors.toMap(p -> p, p -> 0L)));
    });
    worker = new PushWorker(new KafkaSettings("unused:9092", TOPICS), "w1", registry -> push, clients, GRACE,
        pushesAtOnce);
    thread = new Thread(worker, "worker-under-test");
    thread.setUncaughtExceptionHandler((t, e) -> crash.set(e));
    thread.start();
  }

  /** Starts the worker while {@code topics} are still being made, as a pool does. */
  private void startBefore(CompletableFuture<Void> topics) {
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0)));
    worker = new PushWorker(new KafkaSettings("unused:9092", TOPICS), "w1", registry -> request -> pushed(), clients,
        GRACE, PushWorker.PUSHES_AT_ONCE);
    thread = new Thread(() -> worker.run(topics), "worker-under-test");
    thread.setUncaughtExceptionHandler((t, e) -> crash.set(e));
    thread.start();
  }

  private List<MirrorEvent> committedResults() {
    return producers.stream()
        .filter(MockProducer::transactionCommitted)
        .flatMap(producer -> producer.history().stream())
        .map(ProducerRecord::value)
        .toList();
  }

  private List<Map<TopicPartition, OffsetAndMetadata>> committedOffsets() {
    return producers.stream()
        .flatMap(producer -> producer.consumerGroupOffsetsHistory().stream())
        .flatMap(byGroup -> byGroup.values().stream())
        .toList();
  }

  /** The offset committed last for each partition. */
  private Map<TopicPartition, Long> lastCommitted() {
    return committedOffsets().stream()
        .flatMap(offsets -> offsets.entrySet().stream())
        .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().offset(), (earlier, later) -> later));
  }

  private static ConsumerRecord<String, MirrorEvent> request(TopicPartition partition, long offset, String name) {
    return request(partition, offset, name, "1");
  }

  /** A request for repository {@code name}, tag {@code tag}: its key is the repository. */
  private static ConsumerRecord<String, MirrorEvent> request(TopicPartition partition, long offset, String name,
      String tag) {
    Descriptor manifest = new Descriptor("application/vnd.oci.image.manifest.v1+json",
        Digest.of((name + ":" + tag).getBytes(StandardCharsets.UTF_8)), 2);
    ImageSpec image = new ImageSpec("gcr.io/x/" + name + ":" + tag, "127.0.0.1:1", "ns/x/" + name, List.of(tag),
        manifest, List.of(), List.of());
    return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, image.targetKey(),
        new PushRequest("run-1", Instant.now(), image, "/staging", Writer.current()));
  }

  private static PushOutcome pushed() {
    return new PushOutcome(Digest.of(new byte[] {1}), 1, 0, 0, 10, 1);
  }

  private static void await(BooleanSupplier condition) {
    await(condition, () -> "");
  }

  private static void await(BooleanSupplier condition, Supplier<String> state) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 5 s " + state.get());
      }
      sleepThen(10, () -> {});
    }
  }

  private static void sleepThen(long millis, Runnable then) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    then.run();
  }

  /** A push that waits until the test releases it, and notices when it is interrupted instead. */
  private static final class GatedPush implements ImagePush {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch interrupted = new CountDownLatch(1);
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public PushOutcome push(PushRequest request) {
      calls.incrementAndGet();
      started.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        interrupted.countDown();
        throw new IllegalStateException("interrupted");
      }
      return pushed();
    }
  }

  /** Pushes that each wait until the test releases them by name (the image's last path segment). */
  private static final class GatedPushes implements ImagePush {
    final List<String> started = new CopyOnWriteArrayList<>();
    final List<String> ended = new CopyOnWriteArrayList<>();
    /** As ended, with the tag: {@code name#tag}. */
    final List<String> endedTagged = new CopyOnWriteArrayList<>();
    final Map<String, List<String>> endedBeforeStart = new ConcurrentHashMap<>();
    final List<String> interrupted = new CopyOnWriteArrayList<>();
    private final Map<String, CountDownLatch> releases;

    GatedPushes(String... names) {
      releases = Arrays.stream(names).collect(Collectors.toMap(name -> name, name -> new CountDownLatch(1)));
    }

    void release(String name) {
      releases.get(name).countDown();
    }

    @Override
    public PushOutcome push(PushRequest request) {
      String repository = request.image().targetRepository();
      String name = repository.substring(repository.lastIndexOf('/') + 1);
      String tagged = name + "#" + request.image().tags().get(0);
      endedBeforeStart.put(name, List.copyOf(ended));
      endedBeforeStart.put(tagged, List.copyOf(endedTagged));
      started.add(name);
      try {
        releases.get(name).await();
      } catch (InterruptedException e) {
        interrupted.add(name);
        throw new IllegalStateException("interrupted");
      }
      ended.add(name);
      endedTagged.add(tagged);
      return pushed();
    }
  }

  /**
   * The mock consumer, serving records from a log it keeps per partition as a broker does, one per poll
   * (max.poll.records is 1): a seek back reads a record again, where the mock itself forgets a record
   * once polled. It paces empty polls as the real one waits, and counts polls while paused.
   */
  private static final class LogBackedConsumer extends MockConsumer<String, MirrorEvent> {
    final AtomicInteger pausedPolls = new AtomicInteger();
    private final Map<TopicPartition, NavigableMap<Long, ConsumerRecord<String, MirrorEvent>>> log =
        new ConcurrentHashMap<>();

    LogBackedConsumer() {
      super("earliest");
    }

    @Override
    public synchronized void addRecord(ConsumerRecord<String, MirrorEvent> record) {
      log.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), any -> new ConcurrentSkipListMap<>())
          .put(record.offset(), record);
    }

    @Override
    public ConsumerRecords<String, MirrorEvent> poll(Duration timeout) {
      if (!paused().isEmpty()) {
        pausedPolls.incrementAndGet();
      }
      // Runs what the test scheduled (rebalances, records) and answers a wakeup; it holds no records.
      super.poll(Duration.ZERO);
      ConsumerRecords<String, MirrorEvent> records = next();
      if (records.isEmpty() && !timeout.isZero()) {
        sleepThen(Math.min(timeout.toMillis(), 20), () -> {});
      }
      return records;
    }

    /** The record at the position of the first partition, assigned and not paused, that has one. */
    private synchronized ConsumerRecords<String, MirrorEvent> next() {
      for (TopicPartition partition : assignment()) {
        if (paused().contains(partition)) {
          continue;
        }
        ConsumerRecord<String, MirrorEvent> record =
            log.getOrDefault(partition, Collections.emptyNavigableMap()).get(position(partition));
        if (record != null) {
          seek(partition, record.offset() + 1);
          return new ConsumerRecords<>(Map.of(partition, List.of(record)), Map.of());
        }
      }
      return ConsumerRecords.empty();
    }
  }
}
