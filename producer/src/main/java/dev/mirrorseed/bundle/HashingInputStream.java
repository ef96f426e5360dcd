package dev.mirrorseed.bundle;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * Hashes every byte that passes, skipped ones included: the tar reader skips entries it already has,
 * and the bundle digest must still cover the whole file without a second pass over it.
 */
final class HashingInputStream extends FilterInputStream {
  private final MessageDigest digest;
  private final byte[] skipBuffer = new byte[64 * 1024];

  HashingInputStream(InputStream in, MessageDigest digest) {
    super(in);
    this.digest = digest;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      digest.update((byte) b);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = in.read(buffer, offset, length);
    if (n > 0) {
      digest.update(buffer, offset, n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = 0;
    while (skipped < n) {
      int read = read(skipBuffer, 0, (int) Math.min(skipBuffer.length, n - skipped));
      if (read < 0) {
        break;
      }
      skipped += read;
    }
    return skipped;
  }

  /** Reads what is left (the tar's end blocks and padding) so the digest covers the whole file. */
  byte[] drainAndDigest() throws IOException {
    transferTo(OutputStream.nullOutputStream());
    return digest.digest();
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int readLimit) {}

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("mark/reset not supported: every byte is hashed once");
  }
}
