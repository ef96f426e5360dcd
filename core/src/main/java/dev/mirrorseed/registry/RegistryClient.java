package dev.mirrorseed.registry;

import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.MediaTypes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A thin, correct client for the OCI distribution API of one registry: what a push and a verification
 * need, over one pooled HTTP/1.1 connection set. Manifests travel as exact bytes, never re-serialized,
 * so their digests survive. It does not retry: every failure is a {@link RegistryException} that
 * says whether retrying may help, and the caller's resilience layer decides. Thread-safe.
 */
public final class RegistryClient implements AutoCloseable {
  /** Bound on every exchange whose body is small; blob uploads get more, scaled by size. */
  static final Duration EXCHANGE_TIMEOUT = Duration.ofSeconds(60);
  /**
   * An upload slower than this times out (its timeout grows with its size at this rate): a bandwidth
   * limit shared by concurrent uploads must leave each at least this much.
   */
  public static final long SLOWEST_UPLOAD_BYTES_PER_SECOND = BlobUpload.SLOWEST_UPLOAD_BYTES_PER_SECOND;
  static final String USER_AGENT = "mirrorseed";
  private static final String ACCEPT_MANIFESTS = String.join(", ", MediaTypes.ACCEPTED_MANIFESTS);

  private final RegistryEndpoint endpoint;
  private final RegistryPaths paths;
  private final Transport transport;
  private final long chunkBytes;
  private final ExchangePolicy exchanges;
  private final AtomicLong bytesUploaded = new AtomicLong();

  /** Anonymous, system trust, no proxy: see {@link #RegistryClient(RegistryEndpoint, RegistryAccess)}. */
  public RegistryClient(RegistryEndpoint endpoint) {
    this(endpoint, RegistryAccess.defaults());
  }

  /** One HTTP client for this registry, reached as {@code access} says; connections are reused. */
  public RegistryClient(RegistryEndpoint endpoint, RegistryAccess access) {
    this(endpoint, access, ExchangePolicy.DIRECT);
  }

  /** As above, each exchange made under {@code exchanges} (limits, retries of what may be resent). */
  public RegistryClient(RegistryEndpoint endpoint, RegistryAccess access, ExchangePolicy exchanges) {
    this(endpoint, Transports.forRegistry(endpoint, access), access.chunkBytes(), exchanges);
  }

  RegistryClient(RegistryEndpoint endpoint, Transport transport) {
    this(endpoint, transport, 0);
  }

  RegistryClient(RegistryEndpoint endpoint, Transport transport, long chunkBytes) {
    this(endpoint, transport, chunkBytes, ExchangePolicy.DIRECT);
  }

  RegistryClient(RegistryEndpoint endpoint, Transport transport, long chunkBytes, ExchangePolicy exchanges) {
    this.endpoint = endpoint;
    this.paths = new RegistryPaths(endpoint);
    this.transport = transport;
    this.chunkBytes = chunkBytes;
    this.exchanges = exchanges;
  }

  /**
   * {@code GET /v2/}: returns if the registry answers as one and lets us in. Credentials are presented
   * as it asks for them, so wrong or missing ones fail here, at the start, not on every image.
   */
  public void ping() {
    send(request(paths.root()).timeout(EXCHANGE_TIMEOUT).GET().build(), 200);
  }

  /** {@code HEAD} a blob: its size when the repository has it, empty when it does not (404). */
  public OptionalLong blobSize(String repository, Digest digest) {
    HttpRequest head = request(paths.blob(repository, digest))
        .timeout(EXCHANGE_TIMEOUT)
        .method("HEAD", BodyPublishers.noBody())
        .build();
    HttpResponse<byte[]> response = send(head, 200, 404);
    return response.statusCode() == 404
        ? OptionalLong.empty()
        : response.headers().firstValueAsLong("Content-Length");
  }

  /**
   * {@code GET}s a blob and hashes its bytes as they arrive, keeping none, so memory stays flat
   * whatever its size. A redirect to storage elsewhere is followed without our credentials.
   * {@code blob}'s size only sets how long the download may take.
   *
   * @return the sha256 and length of what the registry served; empty when the repository lacks the blob (404)
   */
  public Optional<FetchedBlob> fetchBlob(String repository, Descriptor blob) {
    HttpRequest get = request(paths.blob(repository, blob.digest()))
        .timeout(BlobUpload.timeoutFor(blob.size()))
        .GET()
        .build();
    return exchanges.exchange(get, true, () -> {
      BlobHashing body = new BlobHashing();
      HttpResponse<byte[]> response = exchange(get, body, 200, 404);
      return response.statusCode() == 404 ? Optional.empty() : Optional.of(body.fetched());
    });
  }

  /**
   * Uploads the blob {@code file} holds, which must match {@code blob}'s size (the registry checks the
   * digest): in one request, or in PATCH chunks when {@link RegistryAccess#chunkBytes()} asks for them.
   */
  public BlobTransfer uploadBlob(String repository, Descriptor blob, Path file) {
    return new BlobUpload(this, chunkBytes).upload(repository, blob, file);
  }

  /**
   * Asks the registry to mount {@code blob} from {@code fromRepository} into {@code repository}, which
   * sends no bytes. When it opens an ordinary upload instead (the source lacks the blob, say), uploads
   * {@code file} through that session, as {@link #uploadBlob} would.
   */
  public BlobTransfer mountBlob(String repository, Descriptor blob, String fromRepository, Path file) {
    return new BlobUpload(this, chunkBytes).mount(repository, blob, fromRepository, file);
  }

  /**
   * PUTs manifest {@code bytes} unchanged under a tag or digest.
   *
   * @return the digest the registry reports ({@code Docker-Content-Digest}), else the sha256 of the bytes
   */
  public Digest putManifest(String repository, String reference, String mediaType, byte[] bytes) {
    HttpRequest put = request(paths.manifest(repository, reference))
        .timeout(EXCHANGE_TIMEOUT)
        .header("Content-Type", mediaType)
        .PUT(BytesBody.uncounted(bytes))
        .build();
    return headerDigest(send(put, 201)).orElse(Digest.of(bytes));
  }

  /**
   * {@code HEAD}s a manifest or index by tag or digest, accepting every schema 2 and OCI manifest type:
   * the digest the registry reports for it ({@code Docker-Content-Digest}), empty when the repository
   * lacks it (404) or the registry names no digest.
   */
  public Optional<Digest> manifestDigest(String repository, String reference) {
    HttpRequest head = manifestRequest(repository, reference).method("HEAD", BodyPublishers.noBody()).build();
    HttpResponse<byte[]> response = send(head, 200, 404);
    return response.statusCode() == 404 ? Optional.empty() : headerDigest(response);
  }

  /**
   * GETs a manifest or index as stored, accepting every schema 2 and OCI manifest type.
   *
   * @throws RegistryException with {@link RegistryException#statusCode()} 404 when it is not there
   */
  public FetchedManifest getManifest(String repository, String reference) {
    HttpRequest get = manifestRequest(repository, reference).GET().build();
    HttpResponse<byte[]> response = send(get, 200);
    String mediaType = response.headers().firstValue("Content-Type")
        .map(type -> type.split(";", 2)[0].strip())
        .orElse("");
    return new FetchedManifest(response.body(), mediaType, headerDigest(response).orElse(null));
  }

  private HttpRequest.Builder manifestRequest(String repository, String reference) {
    return request(paths.manifest(repository, reference))
        .timeout(EXCHANGE_TIMEOUT)
        .header("Accept", ACCEPT_MANIFESTS);
  }

  /** Total blob body bytes this client has sent, failed uploads included. */
  public long bytesUploaded() {
    return bytesUploaded.get();
  }

  public RegistryEndpoint endpoint() {
    return endpoint;
  }

  @Override
  public void close() {
    transport.close();
  }

  HttpRequest.Builder request(URI uri) {
    return HttpRequest.newBuilder(uri).header("User-Agent", USER_AGENT);
  }

  RegistryPaths paths() {
    return paths;
  }

  AtomicLong uploadCounter() {
    return bytesUploaded;
  }

  ExchangePolicy exchanges() {
    return exchanges;
  }

  /**
   * The choke point every request passes: sends through the transport under the exchange policy and
   * turns I/O failures and any status outside {@code accepted} into a {@link RegistryException}. The
   * request may be sent again as it is; for one that may not, see {@link #sendOnce}.
   */
  HttpResponse<byte[]> send(HttpRequest request, int... accepted) {
    return exchanges.exchange(request, true, () -> exchange(request, BodyHandlers.ofByteArray(), accepted));
  }

  /**
   * As {@link #send}, for a request never to be sent again as it is: a blob body into an upload
   * session, which the registry may hold part of after a failure. Its upload starts over instead.
   */
  HttpResponse<byte[]> sendOnce(HttpRequest request, int... accepted) {
    return exchanges.exchange(request, false, () -> exchange(request, BodyHandlers.ofByteArray(), accepted));
  }

  private HttpResponse<byte[]> exchange(HttpRequest request, HttpResponse.BodyHandler<byte[]> body, int... accepted) {
    HttpResponse<byte[]> response;
    try {
      response = transport.send(request, body);
    } catch (IOException e) {
      throw RegistryErrors.fromIOException(endpoint, request, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RegistryErrors.interrupted(endpoint, request, e);
    }
    if (Arrays.stream(accepted).noneMatch(status -> status == response.statusCode())) {
      throw RegistryErrors.fromResponse(endpoint, request, response);
    }
    return response;
  }

  private Optional<Digest> headerDigest(HttpResponse<?> response) {
    return response.headers().firstValue("Docker-Content-Digest").map(value -> {
      try {
        return Digest.parse(value.strip());
      } catch (IllegalArgumentException e) {
        throw new RegistryException("registry " + endpoint.hostPort() + " answered "
            + response.request().method() + " " + response.uri().getRawPath()
            + " with an unreadable Docker-Content-Digest '" + value + "': it does not follow the OCI"
            + " distribution API", response.statusCode(), null, false, null, e);
      }
    });
  }
}
