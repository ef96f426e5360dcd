package dev.mirrorseed.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a stream on a thread of its own, a few buffers ahead of its reader, so that decompressing a
 * bundle (or hashing the raw file) overlaps with hashing and writing its blobs on the reading thread.
 * A failure of the stream reaches the reader at the point where it happened, as its own exception.
 */
final class ReadAheadInputStream extends BulkReadInputStream {
  private static final int BUFFER_BYTES = 1 << 20;
  private static final int BUFFERS = 4;

  /** A buffer of the stream, its end ({@code length < 0}), or its failure. */
  private record Chunk(byte[] bytes, int length, Throwable failure) {}

  private final InputStream in;
  private final BlockingQueue<Chunk> filled = new ArrayBlockingQueue<>(BUFFERS);
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS + 1);
  private final Thread reader;
  private Chunk current;
  private int position;

  ReadAheadInputStream(InputStream in) {
    this.in = in;
    for (int i = 0; i <= BUFFERS; i++) {
      free.add(new byte[BUFFER_BYTES]);
    }
    reader = new Thread(this::readAhead, "mirrorseed-read-ahead");
    reader.setDaemon(true);
    reader.start();
  }

  private void readAhead() {
    try {
      while (true) {
        byte[] buffer = free.take();
        int length = in.readNBytes(buffer, 0, buffer.length);
        if (length == 0) {
          filled.put(new Chunk(null, -1, null));
          return;
        }
        filled.put(new Chunk(buffer, length, null));
      }
    } catch (InterruptedException e) {
      // closed by the reader: nobody waits for more
    } catch (IOException | RuntimeException | Error e) {
      try {
        filled.put(new Chunk(null, -1, e));
      } catch (InterruptedException closed) {
        // closed by the reader meanwhile
      }
    }
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    if (current == null || (current.length() >= 0 && position == current.length())) {
      if (current != null) {
        free.add(current.bytes());
      }
      current = next();
      position = 0;
    }
    if (current.failure() != null) {
      rethrow(current.failure());
    }
    if (current.length() < 0) {
      return -1;
    }
    int n = Math.min(length, current.length() - position);
    System.arraycopy(current.bytes(), position, buffer, offset, n);
    position += n;
    return n;
  }

  private Chunk next() throws InterruptedIOException {
    try {
      return filled.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading the bundle");
    }
  }

  /** Stops the thread reading ahead, then closes the stream it read. */
  @Override
  public void close() throws IOException {
    reader.interrupt();
    try {
      reader.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    in.close();
  }

  private static void rethrow(Throwable failure) throws IOException {
    if (failure instanceof IOException e) {
      throw e;
    }
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    throw (Error) failure;
  }
}
