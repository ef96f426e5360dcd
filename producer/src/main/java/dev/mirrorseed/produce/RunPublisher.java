package dev.mirrorseed.produce;

import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.events.MirrorEvent;
import dev.mirrorseed.events.PushRequest;
import dev.mirrorseed.events.RunPlanned;
import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.kafka.KafkaUnavailableException;
import dev.mirrorseed.plan.BundlePlan;
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
 * Publishes a planned run: {@link RunPlanned} to the audit topic, then one {@link PushRequest} per image.
 * Returns only when Kafka has acknowledged every record, so a run that starts is never half-published
 * without the caller knowing.
 */
public final class RunPublisher {
  private final KafkaSettings settings;

  public RunPublisher(KafkaSettings settings) {
    this.settings = settings;
  }

  public RunPlanned publish(String runId, BundlePlan plan, String target) {
    RunPlanned planned = new RunPlanned(
        runId, Instant.now(), plan.source(), plan.bundleDigest(), target,
        plan.images().size(), plan.uniqueBlobs(), plan.uniqueBytes());
    try (Producer<String, MirrorEvent> producer =
        new KafkaProducer<>(settings.producer("mirrorseed-producer-" + runId))) {
      List<Future<RecordMetadata>> sends = new ArrayList<>();
      sends.add(producer.send(new ProducerRecord<>(settings.topics().audit(), runId, planned)));
      for (ImageSpec image : plan.images()) {
        PushRequest request =
            new PushRequest(runId, Instant.now(), image, plan.staging().toAbsolutePath().toString());
        sends.add(producer.send(new ProducerRecord<>(settings.topics().requests(), image.targetKey(), request)));
      }
      producer.flush();
      for (Future<RecordMetadata> send : sends) {
        send.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException(settings.bootstrapServers(), e);
    } catch (ExecutionException | org.apache.kafka.common.KafkaException e) {
      throw new KafkaUnavailableException(settings.bootstrapServers(), e);
    }
    return planned;
  }
}
