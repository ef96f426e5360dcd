package dev.mirrorseed.run;

import dev.mirrorseed.events.ImageFailed;
import dev.mirrorseed.events.ImagePushed;
import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.events.ImageVerified;
import dev.mirrorseed.events.MirrorEvent;
import dev.mirrorseed.events.PushResult;
import dev.mirrorseed.events.RunCompleted;
import dev.mirrorseed.events.RunPlanned;
import dev.mirrorseed.events.VerificationFailed;
import dev.mirrorseed.events.Writer;
import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.kafka.KafkaUnavailableException;
import dev.mirrorseed.registry.RegistryClients;
import dev.mirrorseed.verify.Depth;
import dev.mirrorseed.verify.ImageVerifier;
import dev.mirrorseed.verify.RegistryReads;
import dev.mirrorseed.verify.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Verifies runs as their results arrive on the results topic: checks each pushed image on the
 * registry, writes its verdict to the audit topic, and completes a run with {@link RunCompleted} once
 * every image its {@link RunPlanned} announced has one. {@link #await} follows one run, {@link #serve}
 * every run. The images whose results arrived together are checked side by side: one after another,
 * the checks trailed the last push of a run by ~0.7 s for 20 images.
 */
public final class RunVerifier {
  private static final Duration POLL = Duration.ofMillis(200);
  /**
   * How many images are checked on the registry at once. A check is a few small reads one after
   * another, mostly waiting: with 4 at once, the verdicts on 200 small images came 0.9-1.5 s after the
   * last push was committed; with 16, 0.2-0.4 s.
   */
  private static final int CHECKS_AT_ONCE = 16;
  /** Results taken per poll, to check side by side (a worker's consumer takes one request at a time). */
  private static final int RESULTS_PER_POLL = 100;

  private final KafkaSettings settings;
  private final RegistryClients registries;
  private final RegistryReads reads;
  private final Depth depth;
  private final Consumer<ImageOutcome> onVerdict;

  public RunVerifier(KafkaSettings settings, RegistryClients registries, Consumer<ImageOutcome> onVerdict) {
    this(settings, registries, RegistryReads.DIRECT, Depth.SIZES, onVerdict);
  }

  /**
   * A verifier making its registry reads through {@code reads} (retried, waiting out outages), looking
   * at blobs as deep as {@code depth} says; {@code onVerdict} hears of each verdict once it is on the
   * audit topic.
   */
  public RunVerifier(KafkaSettings settings, RegistryClients registries, RegistryReads reads, Depth depth,
      Consumer<ImageOutcome> onVerdict) {
    this.settings = settings;
    this.registries = registries;
    this.reads = reads;
    this.depth = depth;
    this.onVerdict = onVerdict;
  }

  /**
   * The current end of the results and audit topics: taken before a run is published, they make
   * {@link #await} read exactly that run's events and none of the topics' history.
   */
  public Map<TopicPartition, Long> currentPositions() {
    return positions(KafkaConsumer::endOffsets);
  }

  /** The start of the results and audit topics: for a run published before the verifier started. */
  public Map<TopicPartition, Long> earliestPositions() {
    return positions(KafkaConsumer::beginningOffsets);
  }

  /**
   * Verifies the run until every planned image has a verdict, reading from {@code from}.
   * {@code workerCrash} is asked between polls; once it gives a failure (the workers died) the wait
   * ends with an exception caused by it.
   */
  public RunSummary await(String runId, Map<TopicPartition, Long> from, Supplier<Throwable> workerCrash) {
    RunTracker run = new RunTracker(runId);
    follow("mirrorseed-verifier-" + runId, from, id -> runId.equals(id) ? run : null, () -> {
      Throwable crash = workerCrash.get();
      if (crash != null) {
        throw new IllegalStateException("run " + runId + " stopped before every image had a verdict ("
            + run.progress() + "): a worker died: " + crash, crash);
      }
      return run.complete();
    }, completed -> { });
    return run.summary();
  }

  /**
   * Verifies every run, from the start of the topics, until {@code stopping} says so; each run that
   * gets a verdict for every planned image is completed and handed to {@code onRunCompleted}. Runs
   * already completed (a {@link RunCompleted} on the audit topic) are not verified again.
   */
  public void serve(BooleanSupplier stopping, Consumer<RunSummary> onRunCompleted) {
    Set<String> completed = completedRuns();
    Map<String, RunTracker> open = new HashMap<>();
    follow("mirrorseed-verifier", earliestPositions(),
        id -> completed.contains(id) ? null : open.computeIfAbsent(id, RunTracker::new), stopping, summary -> {
          completed.add(summary.runId());
          open.remove(summary.runId());
          onRunCompleted.accept(summary);
        });
  }

  /** A result being checked on the registry, for its run. */
  private record Check(RunTracker run, PushResult result, CompletableFuture<Judgement> judgement) {
    boolean of(RunTracker run, PushResult result) {
      return this.run == run && this.result.image().equals(result.image());
    }
  }

  /** A result's outcome, and the verdict to write to the audit topic for it. */
  private record Judgement(ImageOutcome outcome, MirrorEvent verdict) {}

  /**
   * Reads results and plans from {@code from} until {@code done}, judging each result of a run that
   * {@code tracking} gives a tracker for, and completing each run whose every image is judged.
   */
  private void follow(String clientId, Map<TopicPartition, Long> from, Function<String, RunTracker> tracking,
      BooleanSupplier done, Consumer<RunSummary> onCompleted) {
    Properties consumerSettings = settings.consumer(null, clientId);
    consumerSettings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, RESULTS_PER_POLL);
    AtomicInteger threads = new AtomicInteger();
    ExecutorService checking = Executors.newFixedThreadPool(CHECKS_AT_ONCE, task -> {
      Thread thread = new Thread(task, clientId + "-check-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    try (KafkaConsumer<String, MirrorEvent> consumer = new KafkaConsumer<>(consumerSettings);
        Producer<String, MirrorEvent> audit = new KafkaProducer<>(settings.producer(clientId))) {
      consumer.assign(from.keySet());
      from.forEach(consumer::seek);
      while (!done.getAsBoolean()) {
        List<Check> checks = new ArrayList<>();
        Set<RunTracker> touched = new LinkedHashSet<>();
        for (ConsumerRecord<String, MirrorEvent> record : consumer.poll(POLL)) {
          MirrorEvent event = record.value();
          RunTracker run = tracking.apply(event.runId());
          if (run == null || run.complete()) {
            continue;
          }
          touched.add(run);
          if (event instanceof RunPlanned planned) {
            run.planned(planned);
          } else if (event instanceof PushResult result && !run.judged(result)
              && checks.stream().noneMatch(check -> check.of(run, result))) {
            checks.add(new Check(run, result, CompletableFuture.supplyAsync(() -> judge(result), checking)));
          }
        }
        writeVerdicts(checks, audit);
        for (RunTracker run : touched) {
          if (run.complete()) {
            audit.send(new ProducerRecord<>(settings.topics().audit(), run.runId(), run.completed())).get();
            onCompleted.accept(run.summary());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while verifying", e);
    } catch (ExecutionException | org.apache.kafka.common.KafkaException e) {
      throw new KafkaUnavailableException(settings.bootstrapServers(), e);
    } finally {
      checking.shutdownNow();
    }
  }

  /**
   * Writes the verdicts of {@code checks} to the audit topic, in the order their results came, and only
   * then counts them: a verdict the audit trail lacks must not count, nor complete its run.
   */
  private void writeVerdicts(List<Check> checks, Producer<String, MirrorEvent> audit) throws InterruptedException {
    List<Judgement> judgements;
    try {
      judgements = checks.stream().map(check -> check.judgement().join()).toList();
    } catch (CompletionException e) {
      // A registry that cannot be read stops the verifier, as when it checked on this thread.
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
    List<Future<RecordMetadata>> written = judgements.stream()
        .map(judgement -> audit.send(new ProducerRecord<>(settings.topics().audit(), judgement.verdict().runId(),
            judgement.verdict())))
        .toList();
    for (int i = 0; i < checks.size(); i++) {
      PushResult result = checks.get(i).result();
      try {
        written.get(i).get();
      } catch (ExecutionException e) {
        throw KafkaUnavailableException.notWritten(settings.bootstrapServers(), "the verdict on "
            + result.image().targetRef() + " of run " + result.runId() + " to " + settings.topics().audit(),
            e.getCause());
      }
      // Past the check, the run may have completed already (it announced fewer images than came).
      if (!checks.get(i).run().complete()) {
        checks.get(i).run().judge(result, judgements.get(i).outcome());
        onVerdict.accept(judgements.get(i).outcome());
      }
    }
  }

  /** The runs the audit topic already holds a {@link RunCompleted} for, read up to its current end. */
  private Set<String> completedRuns() {
    Set<String> completed = new HashSet<>();
    try (KafkaConsumer<String, MirrorEvent> consumer =
        new KafkaConsumer<>(settings.consumer(null, "mirrorseed-verifier-completed-runs"))) {
      List<TopicPartition> partitions = partitionsOf(consumer, settings.topics().audit()).toList();
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, KafkaSettings.UNREACHABLE_AFTER);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, MirrorEvent> record : consumer.poll(POLL)) {
          if (record.value() instanceof RunCompleted done) {
            completed.add(done.runId());
          }
        }
      }
      return completed;
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new KafkaUnavailableException(settings.bootstrapServers(), e);
    }
  }

  /** Checks the image on the registry: its outcome, and the verdict for the audit topic. */
  private Judgement judge(PushResult result) {
    ImageSpec image = result.image();
    MirrorEvent verdictEvent;
    ImageOutcome outcome;
    if (result instanceof ImageFailed failed) {
      outcome = ImageOutcome.failedPush(failed);
      verdictEvent = new VerificationFailed(result.runId(), Instant.now(), image, null, outcome.problems(),
          List.of(), 0, Writer.current());
    } else {
      ImagePushed pushed = (ImagePushed) result;
      Verdict verdict = new ImageVerifier(registries.forRegistry(image.targetRegistry()), reads, depth).verify(image);
      outcome = ImageOutcome.of(image, verdict, pushed.bytesUploaded(), PushDetails.of(pushed));
      verdictEvent = verdict.verified()
          ? new ImageVerified(result.runId(), Instant.now(), image, verdict.observedDigest(),
              verdict.blobsChecked(), pushed.bytesUploaded(), Writer.current())
          : new VerificationFailed(result.runId(), Instant.now(), image, verdict.observedDigest(),
              verdict.problems(), verdict.mismatches(), pushed.bytesUploaded(), Writer.current());
    }
    return new Judgement(outcome, verdictEvent);
  }

  private Map<TopicPartition, Long> positions(
      BiFunction<KafkaConsumer<String, MirrorEvent>, List<TopicPartition>, Map<TopicPartition, Long>> offsets) {
    try (KafkaConsumer<String, MirrorEvent> consumer =
        new KafkaConsumer<>(settings.consumer(null, "mirrorseed-verifier-positions"))) {
      List<TopicPartition> partitions = Stream.of(settings.topics().results(), settings.topics().audit())
          .flatMap(topic -> partitionsOf(consumer, topic))
          .toList();
      return offsets.apply(consumer, partitions);
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new KafkaUnavailableException(settings.bootstrapServers(), e);
    }
  }

  private static Stream<TopicPartition> partitionsOf(KafkaConsumer<String, MirrorEvent> consumer, String topic) {
    return consumer.partitionsFor(topic, KafkaSettings.UNREACHABLE_AFTER).stream()
        .map(info -> new TopicPartition(info.topic(), info.partition()));
  }
}
