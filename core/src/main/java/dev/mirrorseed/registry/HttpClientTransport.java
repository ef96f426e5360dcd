package dev.mirrorseed.registry;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The bottom {@link Transport}: one JDK {@link HttpClient}, so connections are pooled and reused. */
final class HttpClientTransport implements Transport {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http;

  HttpClientTransport() {
    this.http = HttpClient.newBuilder()
        // HTTP/2 would first try an h2c upgrade on plain HTTP, which some registries and proxies
        // mishandle on PUT bodies; registries gain nothing from HTTP/2 for a few large bodies.
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
  }

  @Override
  public HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  @Override
  public void close() {
    // HttpClient only became closeable in Java 21; on 17 its pool dies with the last reference.
    if (http instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing the registry HTTP client failed", e);
      }
    }
  }
}
