package dev.mirrorseed.registry;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * One HTTP exchange with a registry. Every request of {@link RegistryClient} passes through here, so
 * concerns that wrap a whole exchange (authentication challenges, later) are decorators of this
 * interface instead of edits to each call. Response bodies are small (manifests, error JSON), so
 * they are always read whole.
 */
interface Transport extends AutoCloseable {
  HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException;

  @Override
  void close();
}
