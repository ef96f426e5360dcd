package dev.mirrorseed.registry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Objects;
import java.util.Set;

/**
 * Follows the redirects registries answer reads with (blobs served from object storage or a CDN),
 * instead of the JDK doing it: the JDK would carry our {@code Authorization} header to the other host,
 * handing a registry token or password to a storage service, which refuses such requests anyway.
 * Writes are never redirected by the distribution API, so their 3xx answers are returned as they are.
 */
final class Redirects implements Transport {
  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
  private static final int MAX_REDIRECTS = 5;

  private final Transport inner;

  Redirects(Transport inner) {
    this.inner = inner;
  }

  @Override
  public HttpResponse<byte[]> send(HttpRequest request, HttpResponse.BodyHandler<byte[]> body)
      throws IOException, InterruptedException {
    HttpRequest current = request;
    HttpResponse<byte[]> response = inner.send(current, body);
    boolean read = request.method().equals("GET") || request.method().equals("HEAD");
    for (int hop = 0; read && hop < MAX_REDIRECTS && REDIRECTS.contains(response.statusCode()); hop++) {
      String location = response.headers().firstValue("Location").orElse(null);
      if (location == null) {
        return response;
      }
      URI next = current.uri().resolve(location);
      boolean sameOrigin = sameOrigin(request.uri(), next);
      current = HttpRequest.newBuilder(current, (name, value) -> sameOrigin || !name.equalsIgnoreCase("Authorization"))
          .uri(next)
          .build();
      response = inner.send(current, body);
    }
    return response;
  }

  @Override
  public void close() {
    inner.close();
  }

  private static boolean sameOrigin(URI a, URI b) {
    return Objects.equals(a.getScheme(), b.getScheme()) && Objects.equals(a.getHost(), b.getHost())
        && a.getPort() == b.getPort();
  }
}
