package dev.mirrorseed.produce;

import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.events.RequestOffset;
import dev.mirrorseed.events.SharedBlob;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Remembers, for every blob of a run's images, the first image published with it: its target repository
 * and the send of its request. So each later request can name where that blob goes first and where that
 * image's request sits ({@link SharedBlob}): a worker of another process then waits for the blob until
 * that request is committed (at most 2 minutes). Images of the same repository need no such hint: their
 * pushes find the blob there. Not thread-safe: images are published one at a time.
 */
final class FirstHolders {
  private record Holder(String repository, Future<RecordMetadata> request) {}

  private final Map<Digest, Holder> first = new HashMap<>();
  private final boolean namesRequests;

  /**
   * {@code namesRequests}: whether shared blobs name their holder's request, which costs a wait for its
   * acknowledgement; only workers of other processes use it.
   */
  FirstHolders(boolean namesRequests) {
    this.namesRequests = namesRequests;
  }

  /**
   * The blobs of {@code image} that an image published before it has too. When it names their requests,
   * waits for Kafka to take those, to learn their offsets (it has normally taken them already); throws
   * what a send that failed threw.
   */
  List<SharedBlob> sharedBy(ImageSpec image) throws InterruptedException, ExecutionException {
    List<SharedBlob> shared = new ArrayList<>();
    for (Descriptor blob : image.blobs()) {
      Holder holder = first.get(blob.digest());
      if (holder != null && !holder.repository().equals(image.targetRepository())) {
        shared.add(new SharedBlob(blob.digest(), holder.repository(), namesRequests ? offset(holder) : null));
      }
    }
    return shared;
  }

  private static RequestOffset offset(Holder holder) throws InterruptedException, ExecutionException {
    RecordMetadata request = holder.request().get();
    return new RequestOffset(request.partition(), request.offset());
  }

  /** {@code image} went out in {@code request}: it is the first holder of the blobs no image had before. */
  void published(ImageSpec image, Future<RecordMetadata> request) {
    for (Descriptor blob : image.blobs()) {
      first.putIfAbsent(blob.digest(), new Holder(image.targetRepository(), request));
    }
  }
}
