package dev.mirrorseed.produce;

import dev.mirrorseed.events.ErrorCode;
import dev.mirrorseed.events.ImageFailed;
import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.events.MirrorEvent;
import dev.mirrorseed.events.PushRequest;
import dev.mirrorseed.events.RunPlanned;
import dev.mirrorseed.events.SharedBlob;
import dev.mirrorseed.events.Writer;
import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.kafka.KafkaUnavailableException;
import dev.mirrorseed.plan.BrokenImage;
import dev.mirrorseed.plan.BundleSummary;
import dev.mirrorseed.plan.PlanListener;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes a run while the bundle is still being read: a {@link PushRequest} the moment an image is
 * staged (so workers push while the rest decompresses), naming the blobs it shares with the images
 * published before it and where their requests are ({@link FirstHolders}), an {@link ImageFailed} from
 * the producer for an image the bundle holds broken, and {@link RunPlanned} last, once the number of
 * images is known.
 * {@link #complete} and {@link #abandoned} return only when Kafka has acknowledged every record of the
 * run.
 */
public final class RunPublisher implements PlanListener, AutoCloseable {
  private final KafkaSettings settings;
  private final String runId;
  private final String staging;
  private final Producer<String, MirrorEvent> producer;
  /** The bundle digest of a run whose bundle could not be read to its end. */
  public static final String UNREAD = "unread";

  private final List<Future<RecordMetadata>> sends = new ArrayList<>();
  private final FirstHolders firstHolders;
  private int published;

  /** A publisher for workers of any process: each shared blob names its holder's request. */
  public RunPublisher(KafkaSettings settings, String runId, String staging) {
    this(settings, runId, staging, true);
  }

  /**
   * {@code othersPush}: whether workers of other processes may take the run's requests. Only they use
   * where a shared blob's holder's request is, and learning it waits for that request's acknowledgement:
   * the 20 images of bench/push-vs-skopeo.sh's bundle, released at once, took 0.40 s to publish that way
   * and 0.11-0.13 s without.
   */
  public RunPublisher(KafkaSettings settings, String runId, String staging, boolean othersPush) {
    this.settings = settings;
    this.runId = runId;
    this.staging = staging;
    this.firstHolders = new FirstHolders(othersPush);
    this.producer = new KafkaProducer<>(settings.producer("mirrorseed-producer-" + runId));
  }

  @Override
  public synchronized void imageReady(ImageSpec image) {
    List<SharedBlob> shared;
    try {
      shared = firstHolders.sharedBy(image);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException(settings.bootstrapServers(), e);
    } catch (ExecutionException e) {
      throw new KafkaUnavailableException(settings.bootstrapServers(), e);
    }
    firstHolders.published(image, send(settings.topics().requests(), image.targetKey(),
        new PushRequest(runId, Instant.now(), image, staging, Writer.current(), shared)));
  }

  @Override
  public synchronized void imageBroken(BrokenImage broken) {
    ImageSpec image = broken.image();
    send(settings.topics().results(), image.targetKey(), new ImageFailed(runId, Instant.now(), image,
        ErrorCode.BAD_INPUT, broken.reason(), 0, 0, ImageFailed.PRODUCER, Writer.current()));
  }

  /** Ends the run's publication after the whole bundle was read: every image is announced. */
  public synchronized RunPlanned complete(BundleSummary summary, String target) {
    return finish(new RunPlanned(runId, Instant.now(), summary.source(), summary.bundleDigest(), target,
        published, summary.uniqueBlobs(), summary.uniqueBytes(), Writer.current()));
  }

  /**
   * Ends the publication of a run whose bundle became unreadable part way: the images announced so far
   * are still pushed and verified, and the run is planned as just those.
   */
  public synchronized RunPlanned abandoned(String source, String target) {
    return finish(new RunPlanned(runId, Instant.now(), source, UNREAD, target, published, 0, 0, Writer.current()));
  }

  /**
   * {@link RunPlanned} goes out only once Kafka holds every request and failure before it: a verifier
   * that reads the plan must never wait for a request the broker did not take.
   */
  private RunPlanned finish(RunPlanned planned) {
    awaitSends();
    sends.add(producer.send(new ProducerRecord<>(settings.topics().audit(), runId, planned)));
    awaitSends();
    return planned;
  }

  private void awaitSends() {
    producer.flush();
    try {
      for (Future<RecordMetadata> send : sends) {
        send.get();
      }
      sends.clear();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException(settings.bootstrapServers(), e);
    } catch (ExecutionException e) {
      throw new KafkaUnavailableException(settings.bootstrapServers(), e);
    }
  }

  private Future<RecordMetadata> send(String topic, String key, MirrorEvent event) {
    try {
      Future<RecordMetadata> sent = producer.send(new ProducerRecord<>(topic, key, event));
      sends.add(sent);
      published++;
      return sent;
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new KafkaUnavailableException(settings.bootstrapServers(), e);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
