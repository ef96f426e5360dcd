package dev.mirrorseed.registry;

import java.io.IOException;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/** A non-blocking socket to a plain-HTTP registry and the selector its waits use, kept together between requests. */
record PlainConnection(SocketChannel socket, Selector selector) implements AutoCloseable {
  static PlainConnection open() throws IOException {
    SocketChannel socket = SocketChannel.open();
    try {
      socket.configureBlocking(false);
      return new PlainConnection(socket, Selector.open());
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    try (selector) {
      socket.close();
    }
  }
}
