package dev.mirrorseed.produce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.TestKafka;
import dev.mirrorseed.TopicContents;
import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.events.MirrorEvent;
import dev.mirrorseed.events.PushRequest;
import dev.mirrorseed.events.RequestOffset;
import dev.mirrorseed.events.SharedBlob;
import dev.mirrorseed.events.Topics;
import dev.mirrorseed.kafka.KafkaSettings;
import dev.mirrorseed.kafka.TopicSetup;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** On a real broker, a request names where the request of the image it shares a layer with landed. */
class RunPublisherTest {
  @Test
  void aRequestSharingALayerNamesThePartitionAndOffsetOfTheFirstRequestWithIt() {
    KafkaSettings settings = new KafkaSettings(TestKafka.bootstrapServers(),
        new Topics("publisher" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL)));
    TopicSetup.ensureTopics(settings);
    Descriptor base = layer("base");
    ImageSpec first = image("ns/first", base, layer("first"));
    ImageSpec second = image("ns/second", base, layer("second"));

    try (RunPublisher publisher = new RunPublisher(settings, "run-1", "/staging")) {
      publisher.imageReady(first);
      publisher.imageReady(second);
      publisher.abandoned("bundle", "127.0.0.1:5000");
    }

    List<ConsumerRecord<String, MirrorEvent>> requests =
        TopicContents.committedRecords(settings, settings.topics().requests());
    ConsumerRecord<String, MirrorEvent> firstRecord = requestFor(requests, first);
    assertThat(((PushRequest) firstRecord.value()).sharedBlobs()).isEmpty();
    assertThat(((PushRequest) requestFor(requests, second).value()).sharedBlobs()).containsExactly(
        new SharedBlob(base.digest(), "ns/first", new RequestOffset(firstRecord.partition(), firstRecord.offset())));
  }

  private static ConsumerRecord<String, MirrorEvent> requestFor(
      List<ConsumerRecord<String, MirrorEvent>> requests, ImageSpec image) {
    return requests.stream().filter(record -> ((PushRequest) record.value()).image().equals(image)).findFirst()
        .orElseThrow();
  }

  private static ImageSpec image(String repository, Descriptor... blobs) {
    return new ImageSpec("gcr.io/" + repository + ":1", "127.0.0.1:5000", repository, List.of("1"),
        layer(repository), List.of(), List.of(blobs));
  }

  private static Descriptor layer(String content) {
    return new Descriptor(MediaTypes.OCI_LAYER_TAR, Digest.of(content.getBytes(StandardCharsets.UTF_8)), 10);
  }
}
