package dev.mirrorseed.registry;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;

/**
 * One HTTP exchange with a registry. Every request of {@link RegistryClient} passes through here, so
 * concerns that wrap a whole exchange (authentication challenges, redirects) are decorators of this
 * interface instead of edits to each call. Response bodies are small (manifests, error JSON) and read
 * whole, except a blob's, which its {@link BodyHandler} consumes as it arrives (see {@link BlobHashing}).
 */
interface Transport extends AutoCloseable {
  /** The exchange, its response body read whole. */
  default HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
    return send(request, BodyHandlers.ofByteArray());
  }

  /**
   * The exchange, each response body (challenges and redirects included) handed to {@code body}, which
   * sees the status first: a handler that streams a 200 must still read any other answer whole.
   */
  HttpResponse<byte[]> send(HttpRequest request, BodyHandler<byte[]> body) throws IOException, InterruptedException;

  @Override
  void close();
}
