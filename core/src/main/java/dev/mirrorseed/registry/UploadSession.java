package dev.mirrorseed.registry;

import dev.mirrorseed.oci.Digest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * An open blob upload: the URL the registry said to send the next request to, and the smallest PATCH
 * chunk it takes. Registries keep upload state in that URL ({@code _state=...}), so every request goes
 * to the Location the previous answer gave, never to one built by hand.
 *
 * @param minChunkBytes what {@code OCI-Chunk-Min-Length} asked for when the session was opened; 0 if nothing
 */
record UploadSession(URI location, long minChunkBytes) {
  static final String MIN_CHUNK_HEADER = "OCI-Chunk-Min-Length";

  /** The session a POST's 202 opened, with the minimum chunk length it announced. */
  static UploadSession opened(RegistryEndpoint endpoint, HttpResponse<?> response) {
    long min = response.headers().firstValue(MIN_CHUNK_HEADER).map(UploadSession::parseLength).orElse(0L);
    return new UploadSession(location(endpoint, response), min);
  }

  /** Where the session goes on after a PATCH's 202; the minimum stays what the POST announced. */
  UploadSession next(RegistryEndpoint endpoint, HttpResponse<?> response) {
    return new UploadSession(location(endpoint, response), minChunkBytes);
  }

  /** The session URL plus {@code digest=}, after any query the registry put there ({@code _state=...}). */
  URI commit(Digest digest) {
    String separator = location.getRawQuery() == null ? "?" : "&";
    return URI.create(location + separator + "digest=" + URLEncoder.encode(digest.toString(), StandardCharsets.UTF_8));
  }

  private static URI location(RegistryEndpoint endpoint, HttpResponse<?> response) {
    String location = response.headers().firstValue("Location").orElseThrow(() -> new RegistryException(
        "registry " + endpoint.hostPort() + " answered " + response.request().method() + " "
            + response.request().uri().getRawPath() + " with " + response.statusCode()
            + " but no Location header: it does not follow the OCI distribution API",
        response.statusCode(), null, false, null, null));
    // Registries answer with absolute URLs (possibly another host) or paths; resolve both alike.
    return response.request().uri().resolve(location);
  }

  // A header we cannot read only costs the registry's preference, not the upload: ignore it.
  private static long parseLength(String value) {
    try {
      return Math.max(0, Long.parseLong(value.strip()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
