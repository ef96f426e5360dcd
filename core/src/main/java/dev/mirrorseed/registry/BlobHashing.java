package dev.mirrorseed.registry;

import dev.mirrorseed.oci.Digest;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * Reads a blob's body into sha256 buffer by buffer, keeping none, so memory stays flat whatever the
 * blob's size; one buffer is asked for at a time, so a fast registry cannot pile them up either. Any
 * answer but 200 (a 404, a challenge, a redirect, an error) is read whole, as every other response is.
 * One instance per attempt: a retry starts from an empty hash.
 */
final class BlobHashing implements BodyHandler<byte[]> {
  private static final byte[] NOTHING_KEPT = new byte[0];

  private final MessageDigest sha256 = Digest.newHasher();
  private long bytes;

  @Override
  public BodySubscriber<byte[]> apply(ResponseInfo response) {
    if (response.statusCode() != 200) {
      return BodySubscribers.ofByteArray();
    }
    sha256.reset();
    bytes = 0;
    return BodySubscribers.fromSubscriber(new Hasher(), hasher -> NOTHING_KEPT);
  }

  /** What the 200 body hashed to; call once the exchange has returned. */
  FetchedBlob fetched() {
    return new FetchedBlob(Digest.fromHash(sha256.digest()), bytes);
  }

  private final class Hasher implements Flow.Subscriber<List<ByteBuffer>> {
    private Flow.Subscription subscription;

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      for (ByteBuffer buffer : buffers) {
        bytes += buffer.remaining();
        sha256.update(buffer);
      }
      subscription.request(1);
    }

    @Override
    public void onError(Throwable failure) {
      // The HTTP client fails the exchange with it; nothing to release here.
    }

    @Override
    public void onComplete() {}
  }
}
