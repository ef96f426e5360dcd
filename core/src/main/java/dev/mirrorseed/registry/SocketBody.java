package dev.mirrorseed.registry;

import java.io.IOException;
import java.net.http.HttpRequest.BodyPublisher;
import java.nio.channels.WritableByteChannel;

/**
 * A request body {@link SendfileExchange} writes to a plain-HTTP registry's socket itself; the JDK's
 * client reads it as any other {@link BodyPublisher}. Either way each part is reported before it goes,
 * so uploads are paced and counted alike.
 */
interface SocketBody extends BodyPublisher {
  /** Writes the whole body into {@code socket}, calling {@code awaitWritable} whenever it is full. */
  void transferTo(WritableByteChannel socket, IoWait awaitWritable) throws IOException;

  /** Blocks until a socket can make progress, or fails when its time is up. */
  @FunctionalInterface
  interface IoWait {
    void await() throws IOException;
  }
}
