package dev.mirrorseed.registry;

import java.net.http.HttpRequest.BodyPublisher;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Passes a request body through unchanged while adding what it hands to the HTTP client to a counter,
 * so a client's byte count covers every body it really sent, resends by a decorator included.
 */
final class CountingBodyPublisher implements BodyPublisher {
  private final BodyPublisher delegate;
  private final AtomicLong bytesSent;

  CountingBodyPublisher(BodyPublisher delegate, AtomicLong bytesSent) {
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
        bytesSent.addAndGet(item.remaining());
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
