package dev.mirrorseed.registry;

import java.io.IOException;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.Flow;
import java.util.function.LongConsumer;

/** A request body already in memory (a small blob, a manifest), reported to {@code sent} whole before it goes. */
final class BytesBody implements SocketBody {
  private final byte[] bytes;
  private final LongConsumer sent;
  private final BodyPublisher buffered;

  BytesBody(byte[] bytes, LongConsumer sent) {
    this.bytes = bytes;
    this.sent = sent;
    this.buffered = new CountingBodyPublisher(BodyPublishers.ofByteArray(bytes), sent);
  }

  /** {@code bytes}, counted nowhere: a manifest, which is not blob bytes. */
  static BytesBody uncounted(byte[] bytes) {
    return new BytesBody(bytes, count -> {});
  }

  @Override
  public long contentLength() {
    return bytes.length;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    buffered.subscribe(subscriber);
  }

  @Override
  public void transferTo(WritableByteChannel socket, IoWait awaitWritable) throws IOException {
    if (bytes.length > 0) {
      sent.accept(bytes.length);
    }
    ByteBuffer rest = ByteBuffer.wrap(bytes);
    while (rest.hasRemaining()) {
      if (socket.write(rest) == 0) {
        awaitWritable.await();
      }
    }
  }
}
