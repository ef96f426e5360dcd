package dev.mirrorseed.registry;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Part of a blob file as a request body, read as the HTTP client sends it, so a chunk costs the
 * client's small buffers and not its own length in heap. Reads are positional: the channel is shared
 * by every chunk of one upload and stays open until the upload ends.
 */
final class FileRegion extends InputStream {
  private final FileChannel channel;
  private long position;
  private long remaining;

  private FileRegion(FileChannel channel, long start, long length) {
    this.channel = channel;
    this.position = start;
    this.remaining = length;
  }

  /** A body of exactly {@code length} bytes from {@code start}; each (re)send reads them afresh. */
  static BodyPublisher publisher(FileChannel channel, long start, long length) {
    return BodyPublishers.fromPublisher(
        BodyPublishers.ofInputStream(() -> new FileRegion(channel, start, length)), length);
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (remaining == 0) {
      return -1;
    }
    int read = channel.read(ByteBuffer.wrap(buffer, offset, (int) Math.min(length, remaining)), position);
    if (read < 0) {
      throw new EOFException("blob file ended " + remaining + " bytes early: it changed while being uploaded");
    }
    position += read;
    remaining -= read;
    return read;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public void close() {
    // The channel belongs to the whole upload, which closes it.
  }
}
