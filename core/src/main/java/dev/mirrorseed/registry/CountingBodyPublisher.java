package dev.mirrorseed.registry;

import java.net.http.HttpRequest.BodyPublisher;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.function.LongConsumer;

/**
 * Passes a request body through unchanged while reporting what it hands to the HTTP client, so byte
 * counts cover every body really sent, resends by a decorator included.
 */
final class CountingBodyPublisher implements BodyPublisher {
  private final BodyPublisher delegate;
  private final LongConsumer bytesSent;

  CountingBodyPublisher(BodyPublisher delegate, LongConsumer bytesSent) {
    this.delegate = delegate;
    this.bytesSent = bytesSent;
  }

  @Override
  public long contentLength() {
    return delegate.contentLength();
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    delegate.subscribe(new Flow.Subscriber<ByteBuffer>() {
      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        subscriber.onSubscribe(subscription);
      }

      @Override
      public void onNext(ByteBuffer item) {
        bytesSent.accept(item.remaining());
        subscriber.onNext(item);
      }

      @Override
      public void onError(Throwable throwable) {
        subscriber.onError(throwable);
      }

      @Override
      public void onComplete() {
        subscriber.onComplete();
      }
    });
  }
}
