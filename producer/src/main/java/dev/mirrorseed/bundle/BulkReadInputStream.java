package dev.mirrorseed.bundle;

import java.io.IOException;
import java.io.InputStream;

/** An input stream that reads in bulk only: a single byte is a bulk read of one. */
abstract class BulkReadInputStream extends InputStream {
  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public abstract int read(byte[] buffer, int offset, int length) throws IOException;
}
