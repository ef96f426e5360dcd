package dev.mirrorseed.bundle;

import java.io.IOException;
import java.nio.file.Path;
import org.tukaani.xz.SeekableFileInputStream;
import org.tukaani.xz.SeekableInputStream;

/**
 * What one block decoder sees of an xz file: the file itself while the decoder reads the indexes at
 * its end, then only the block it was last shown, from memory. The blocks' bytes are read from the
 * file once, front to back, by the thread that also hashes them; a decoder never reads them again.
 */
final class XzBlockWindow extends SeekableInputStream {
  private final long length;
  private SeekableFileInputStream file;
  private byte[] block;
  private long blockOffset;
  private int blockLength;
  private long position;

  XzBlockWindow(Path file) throws IOException {
    this.file = new SeekableFileInputStream(file.toFile());
    this.length = this.file.length();
  }

  /** From now on the decoder sees {@code length} bytes of {@code block} at {@code offset} of the file, and nothing else. */
  void show(long offset, byte[] block, int length) throws IOException {
    if (file != null) {
      file.close();
      file = null;
    }
    this.block = block;
    this.blockOffset = offset;
    this.blockLength = length;
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public long position() throws IOException {
    return file != null ? file.position() : position;
  }

  @Override
  public void seek(long position) throws IOException {
    if (file != null) {
      file.seek(position);
    } else {
      this.position = position;
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (file != null) {
      return file.read(buffer, offset, length);
    }
    long end = blockOffset + blockLength;
    if (position < blockOffset || position > end) {
      // The decoder was sent where no block was shown: a fault here, not damage in the file.
      throw new IllegalStateException("xz decoder read at " + position + ", outside its block at "
          + blockOffset + ".." + end);
    }
    if (length == 0) {
      return 0;
    }
    if (position == end) {
      return -1; // a block that claims more than the index gave it is damaged: the decoder says so
    }
    int n = (int) Math.min(length, end - position);
    System.arraycopy(block, (int) (position - blockOffset), buffer, offset, n);
    position += n;
    return n;
  }

  @Override
  public void close() throws IOException {
    if (file != null) {
      file.close();
      file = null;
    }
    block = null;
  }
}
