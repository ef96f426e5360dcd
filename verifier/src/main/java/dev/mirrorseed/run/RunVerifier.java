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
import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.kafka.KafkaUnavailableException;
import dev.mirrorseed.registry.RegistryClients;
import dev.mirrorseed.verify.ImageVerifier;
import dev.mirrorseed.verify.RegistryReads;
import dev.mirrorseed.verify.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Follows one run on the results topic: verifies each pushed image on the registry, writes its verdict
 * to the audit topic, and returns once every image the run's {@link RunPlanned} announced has one.
 * It reads from positions taken before the run was published, so it sees exactly this run's events
 * and none of the topic's history.
 */
public final class RunVerifier {
  private final KafkaSettings settings;
  private final RegistryClients registries;
  private final RegistryReads reads;
  private final Consumer<ImageOutcome> onVerdict;

  public RunVerifier(KafkaSettings settings, RegistryClients registries, Consumer<ImageOutcome> onVerdict) {
    this(settings, registries, RegistryReads.DIRECT, onVerdict);
  }

  /** A verifier making its registry reads through {@code reads}: retried, waiting out outages. */
  public RunVerifier(KafkaSettings settings, RegistryClients registries, RegistryReads reads,
      Consumer<ImageOutcome> onVerdict) {
    this.settings = settings;
    this.registries = registries;
    this.reads = reads;
    this.onVerdict = onVerdict;
  }

  /** The current end of the results and audit topics: take it before publishing the run. */
  public Map<TopicPartition, Long> currentPositions() {
    try (KafkaConsumer<String, MirrorEvent> consumer =
        new KafkaConsumer<>(settings.consumer(null, "mirrorseed-verifier-positions"))) {
      List<TopicPartition> partitions = partitions(consumer);
      return consumer.endOffsets(partitions, KafkaSettings.UNREACHABLE_AFTER);
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new KafkaUnavailableException(settings.bootstrapServers(), e);
    }
  }

  /**
   * Verifies the run until every planned image has a verdict. {@code workerCrash} is asked between
   * polls; once it gives a failure (the workers died) the wait ends with an exception caused by it.
   */
  public RunSummary await(String runId, Map<TopicPartition, Long> from, Supplier<Throwable> workerCrash) {
    // Keyed by the whole image: a request delivered twice gives the same image and counts once, while
    // two different images claiming one target tag (one of them broken) are both judged.
    Map<ImageSpec, ImageOutcome> outcomes = new LinkedHashMap<>();
    int expected = -1;
    int pushed = 0;
    try (KafkaConsumer<String, MirrorEvent> consumer =
            new KafkaConsumer<>(settings.consumer(null, "mirrorseed-verifier-" + runId));
        Producer<String, MirrorEvent> audit =
            new KafkaProducer<>(settings.producer("mirrorseed-verifier-" + runId))) {
      consumer.assign(from.keySet());
      from.forEach(consumer::seek);
      while (expected < 0 || outcomes.size() < expected) {
        Throwable crash = workerCrash.get();
        if (crash != null) {
          throw new IllegalStateException("run " + runId + " stopped before every image had a verdict ("
              + outcomes.size() + " of " + (expected < 0 ? "?" : expected) + "): a worker died: " + crash, crash);
        }
        for (ConsumerRecord<String, MirrorEvent> record : consumer.poll(Duration.ofMillis(200))) {
          MirrorEvent event = record.value();
          if (!runId.equals(event.runId())) {
            continue;
          }
          if (event instanceof RunPlanned planned) {
            expected = planned.images();
          } else if (event instanceof PushResult result && !outcomes.containsKey(result.image())) {
            pushed += result instanceof ImagePushed ? 1 : 0;
            ImageOutcome outcome = judge(result, audit);
            outcomes.put(result.image(), outcome);
            onVerdict.accept(outcome);
          }
        }
      }
      RunSummary summary = new RunSummary(runId, pushed, List.copyOf(outcomes.values()));
      audit.send(new ProducerRecord<>(settings.topics().audit(), runId, new RunCompleted(runId,
          Instant.now(), expected, pushed, (int) summary.verified(), (int) summary.failed()))).get();
      return summary;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while verifying run " + runId, e);
    } catch (ExecutionException | org.apache.kafka.common.KafkaException e) {
      throw new KafkaUnavailableException(settings.bootstrapServers(), e);
    }
  }

  private ImageOutcome judge(PushResult result, Producer<String, MirrorEvent> audit) {
    var image = result.image();
    MirrorEvent verdictEvent;
    ImageOutcome outcome;
    if (result instanceof ImageFailed failed) {
      List<String> problems = List.of(failed.workerId().equals(ImageFailed.PRODUCER)
          ? "unreadable in the bundle: " + failed.message()
          : "push failed: " + failed.message());
      verdictEvent = new VerificationFailed(result.runId(), Instant.now(), image, null, problems, 0);
      outcome = new ImageOutcome(image.sourceRef(), image.targetRef(), image.expectedDigest(),
          null, ImageOutcome.Status.FAILED, 0, problems);
    } else {
      ImagePushed pushed = (ImagePushed) result;
      Verdict verdict = new ImageVerifier(registries.forRegistry(image.targetRegistry()), reads).verify(image);
      verdictEvent = verdict.verified()
          ? new ImageVerified(result.runId(), Instant.now(), image, verdict.observedDigest(),
              verdict.blobsChecked(), pushed.bytesUploaded())
          : new VerificationFailed(result.runId(), Instant.now(), image, verdict.observedDigest(),
              verdict.problems(), pushed.bytesUploaded());
      outcome = new ImageOutcome(image.sourceRef(), image.targetRef(), image.expectedDigest(),
          verdict.observedDigest(),
          verdict.verified() ? ImageOutcome.Status.VERIFIED : ImageOutcome.Status.FAILED,
          pushed.bytesUploaded(), verdict.problems());
    }
    audit.send(new ProducerRecord<>(settings.topics().audit(), result.runId(), verdictEvent));
    return outcome;
  }

  private List<TopicPartition> partitions(KafkaConsumer<String, MirrorEvent> consumer) {
    return java.util.stream.Stream.of(settings.topics().results(), settings.topics().audit())
        .flatMap(topic -> consumer.partitionsFor(topic, KafkaSettings.UNREACHABLE_AFTER).stream())
        .map(info -> new TopicPartition(info.topic(), info.partition()))
        .toList();
  }
}
