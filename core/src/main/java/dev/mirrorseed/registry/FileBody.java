package dev.mirrorseed.registry;

import java.io.EOFException;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.concurrent.Flow;
import java.util.function.LongConsumer;

/**
 * A whole blob file as a request body, reporting each part to {@code sent} before it goes (which may
 * wait there, to pace the upload). The JDK's HTTP client reads it in small buffers; {@link
 * SendfileTransport} recognises it and lets the kernel copy the file to the socket instead.
 */
final class FileBody implements SocketBody {
  /** What one {@link #transferTo} step sends and reports: small enough to pace, large enough to be cheap. */
  static final int SLICE_BYTES = 256 * 1024;

  private final Path file;
  private final long length;
  private final LongConsumer sent;
  private final BodyPublisher buffered;

  FileBody(Path file, long length, LongConsumer sent) throws IOException {
    this.file = file;
    this.length = length;
    this.sent = sent;
    this.buffered = new CountingBodyPublisher(BodyPublishers.ofFile(file), sent);
  }

  @Override
  public long contentLength() {
    return length;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    buffered.subscribe(subscriber);
  }

  /** Sends the whole file a slice at a time, each reported before it goes. */
  @Override
  public void transferTo(WritableByteChannel socket, IoWait awaitWritable) throws IOException {
    try (FileChannel in = FileChannel.open(file)) {
      long position = 0;
      while (position < length) {
        long slice = Math.min(SLICE_BYTES, length - position);
        sent.accept(slice);
        long end = position + slice;
        while (position < end) {
          long moved = in.transferTo(position, end - position, socket);
          if (moved > 0) {
            position += moved;
          } else if (position >= in.size()) {
            throw new EOFException("blob file " + file + " ended " + (length - position)
                + " bytes early: it changed while being uploaded");
          } else {
            awaitWritable.await();
          }
        }
      }
    }
  }
}
