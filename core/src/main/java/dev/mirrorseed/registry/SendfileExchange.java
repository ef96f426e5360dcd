package dev.mirrorseed.registry;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLSession;

/**
 * One plain-HTTP/1.1 request and its answer, on a connection kept alive for the next. A large blob's
 * body, a {@link FileBody}, goes to the socket by {@code sendfile} (no copy through the heap, hardly any
 * CPU, which a registry on the same cores needs for hashing); a small one or a manifest, a {@link
 * BytesBody}, from memory. The request's timeout bounds the whole exchange, as it does in the JDK's client.
 */
final class SendfileExchange implements AutoCloseable {
  private static final int MAX_HEAD_BYTES = 64 * 1024;
  /**
   * Answers to an upload are empty or a little JSON, and a manifest is at most 4 MiB: more is not a
   * registry talking.
   */
  private static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
  /** How long to wait for an answer the registry may have sent before it stopped reading the body. */
  private static final Duration EARLY_ANSWER_WAIT = Duration.ofSeconds(2);

  private final HttpRequest request;
  private final PlainConnection connection;
  private final SocketChannel socket;
  private final Selector selector;
  private final long deadline;
  private ByteBuffer received = ByteBuffer.allocate(16 * 1024);
  /** Whether the answer left the connection fit for another request: complete, and nothing after it. */
  private boolean reusable;

  private SendfileExchange(HttpRequest request, PlainConnection connection) {
    this.request = request;
    this.deadline = request.timeout().map(t -> System.nanoTime() + t.toNanos()).orElse(Long.MAX_VALUE);
    this.connection = connection;
    this.socket = connection.socket();
    this.selector = connection.selector();
  }

  /**
   * Sends {@code request} with {@code body} (null: none), hands the answer's body to {@code handler},
   * returns the answer, and leaves the connection in {@code idle} when the answer kept it clean. A request
   * safe to repeat (a HEAD or GET without a body) goes on a connection an earlier request left there, if
   * any: the registry may have closed it meanwhile, and if it fails before any answer arrives, the request
   * goes once more on a new connection. Any other request goes on a new connection: a POST or PUT on one
   * closed under it may or may not have reached the registry, so it could not simply go again.
   */
  static HttpResponse<byte[]> send(HttpRequest request, SocketBody body, BodyHandler<byte[]> handler,
      Duration connectTimeout, IdleConnections idle) throws IOException, InterruptedException {
    try {
      PlainConnection kept = body == null && safe(request) ? idle.take() : null;
      if (kept != null) {
        SendfileExchange exchange = new SendfileExchange(request, kept);
        try {
          return exchange.exchange(null, handler, idle);
        } catch (IOException e) {
          if (exchange.received.position() > 0 || e instanceof HttpTimeoutException
              || e instanceof ClosedByInterruptException) {
            throw e;
          }
        }
      }
      SendfileExchange exchange = new SendfileExchange(request, PlainConnection.open());
      try {
        exchange.connect(connectTimeout);
      } catch (IOException | RuntimeException e) {
        exchange.close();
        throw e;
      }
      return exchange.exchange(body, handler, idle);
    } catch (ClosedByInterruptException e) {
      throw interrupted("sending " + request.method() + " " + request.uri(), e);
    }
  }

  /**
   * An interrupt that closed the socket, as the interrupt it was: its status is cleared here, since the
   * exception now carries it.
   */
  private static InterruptedException interrupted(String during, ClosedByInterruptException cause) {
    Thread.interrupted();
    InterruptedException interrupted = new InterruptedException("interrupted while " + during);
    interrupted.initCause(cause);
    return interrupted;
  }

  private HttpResponse<byte[]> exchange(SocketBody body, BodyHandler<byte[]> handler, IdleConnections idle)
      throws IOException, InterruptedException {
    try {
      if (body == null) {
        write(ByteBuffer.wrap(head(safe(request) ? -1 : 0)));
      } else {
        try {
          write(ByteBuffer.wrap(head(body.contentLength())));
          body.transferTo(socket, () -> await(SelectionKey.OP_WRITE, deadline));
        } catch (ClosedByInterruptException | HttpTimeoutException | EOFException e) {
          // Interrupted, out of time, or a blob file itself came up short: no answer to wait for.
          throw e;
        } catch (IOException e) {
          // A registry may refuse a body part-way (a 401, a 413) and close: its answer says more than a
          // broken pipe does.
          return earlyAnswer(handler).orElseThrow(() -> e);
        }
      }
      return readResponse(handler, deadline);
    } finally {
      if (reusable) {
        idle.keep(connection);
      } else {
        close();
      }
    }
  }

  /** A HEAD or GET, which changes nothing on the registry. */
  private static boolean safe(HttpRequest request) {
    return request.method().equals("HEAD") || request.method().equals("GET");
  }

  @Override
  public void close() throws IOException {
    connection.close();
  }

  private void connect(Duration connectTimeout) throws IOException {
    URI uri = request.uri();
    int port = uri.getPort() < 0 ? 80 : uri.getPort();
    InetSocketAddress address = new InetSocketAddress(uri.getHost(), port);
    if (address.isUnresolved()) {
      throw new UnknownHostException(uri.getHost());
    }
    if (!socket.connect(address)) {
      long connectBy = Math.min(deadline, System.nanoTime() + connectTimeout.toNanos());
      try {
        await(SelectionKey.OP_CONNECT, connectBy);
      } catch (HttpTimeoutException e) {
        throw new HttpConnectTimeoutException("HTTP connect timed out");
      }
      socket.finishConnect();
    }
  }

  /** The request line and headers: the caller's, plus the body's length ({@code contentLength} -1: none sent). */
  private byte[] head(long contentLength) {
    URI uri = request.uri();
    StringBuilder head = new StringBuilder(512)
        .append(request.method()).append(' ').append(uri.getRawPath())
        .append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()).append(" HTTP/1.1\r\n")
        .append("Host: ").append(uri.getRawAuthority()).append("\r\n");
    request.headers().map().forEach((name, values) -> values.forEach(value ->
        head.append(name).append(": ").append(value).append("\r\n")));
    if (contentLength >= 0) {
      head.append("Content-Length: ").append(contentLength).append("\r\n");
    }
    head.append("\r\n");
    return head.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private void write(ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      if (socket.write(bytes) == 0) {
        await(SelectionKey.OP_WRITE, deadline);
      }
    }
  }

  /** An answer that came before the whole body went; the connection, the body's rest unsent, is done with. */
  private Optional<HttpResponse<byte[]>> earlyAnswer(BodyHandler<byte[]> handler) {
    try {
      return Optional.of(readResponse(handler, Math.min(deadline, System.nanoTime() + EARLY_ANSWER_WAIT.toNanos())));
    } catch (IOException | InterruptedException | RuntimeException e) {
      return Optional.empty();
    } finally {
      reusable = false;
    }
  }

  private HttpResponse<byte[]> readResponse(BodyHandler<byte[]> handler, long readBy)
      throws IOException, InterruptedException {
    int headEnd;
    while ((headEnd = indexOf(received, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1))) < 0) {
      if (received.position() >= MAX_HEAD_BYTES) {
        throw new IOException("response head longer than " + MAX_HEAD_BYTES + " bytes");
      }
      if (!readMore(readBy)) {
        throw new EOFException("connection closed before a complete response head arrived");
      }
    }
    String[] lines = new String(received.array(), 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n");
    int status = statusOf(lines[0]);
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.computeIfAbsent(lines[i].substring(0, colon).strip(), name -> new ArrayList<>())
            .add(lines[i].substring(colon + 1).strip());
      }
    }
    HttpHeaders httpHeaders = HttpHeaders.of(headers, (name, value) -> true);
    byte[] body = readBody(httpHeaders, status, headEnd + 4, readBy);
    reusable = reusable && status >= 200 && lines[0].startsWith("HTTP/1.1 ") && httpHeaders.allValues("Connection")
        .stream().noneMatch(value -> value.toLowerCase(Locale.ROOT).contains("close"));
    return new PlainResponse(status, request, httpHeaders, deliver(handler, status, httpHeaders, body));
  }

  private byte[] readBody(HttpHeaders headers, int status, int bodyStart, long readBy) throws IOException {
    if (request.method().equals("HEAD") || status == 204 || status == 304 || (status >= 100 && status < 200)) {
      reusable = received.position() == bodyStart;
      return new byte[0];
    }
    if (headers.firstValue("Transfer-Encoding").map(v -> v.toLowerCase(Locale.ROOT).contains("chunked")).orElse(false)) {
      return new ChunkedBody(bodyStart).read(readBy);
    }
    long length = headers.firstValueAsLong("Content-Length").orElse(-1);
    if (length > MAX_BODY_BYTES) {
      throw new IOException("response body of " + length + " bytes to " + request.method() + " "
          + request.uri().getRawPath() + ": not a registry's answer");
    }
    int end;
    if (length < 0) {
      // Neither length nor chunks: the body ends with the connection.
      while (readMore(readBy)) {
        if (received.position() - bodyStart > MAX_BODY_BYTES) {
          throw new IOException("response body too large for a registry's answer");
        }
      }
      end = received.position();
    } else {
      end = bodyStart + (int) length;
      while (received.position() < end) {
        if (!readMore(readBy)) {
          throw new EOFException("connection closed " + (end - received.position())
              + " bytes before the end of the response body");
        }
      }
    }
    reusable = length >= 0 && received.position() == end;
    byte[] body = new byte[end - bodyStart];
    System.arraycopy(received.array(), bodyStart, body, 0, body.length);
    return body;
  }

  /** Reads what has arrived into {@code received}, waiting for it: false at the end of the stream. */
  private boolean readMore(long readBy) throws IOException {
    if (!received.hasRemaining()) {
      ByteBuffer larger = ByteBuffer.allocate(received.capacity() * 2);
      received.flip();
      received = larger.put(received);
    }
    while (true) {
      int read = socket.read(received);
      if (read > 0) {
        return true;
      }
      if (read < 0) {
        return false;
      }
      await(SelectionKey.OP_READ, readBy);
    }
  }

  /** Blocks until the socket is ready for {@code operation}; past {@code by}, the request has timed out. */
  private void await(int operation, long by) throws IOException {
    SelectionKey key = socket.register(selector, operation);
    try {
      while (true) {
        long left = by - System.nanoTime();
        if (left <= 0) {
          throw new HttpTimeoutException("request timed out");
        }
        if (selector.select(Math.max(1, Duration.ofNanos(left).toMillis())) > 0) {
          selector.selectedKeys().clear();
          return;
        }
        if (Thread.currentThread().isInterrupted()) {
          throw new ClosedByInterruptException();
        }
      }
    } finally {
      if (key.isValid()) {
        key.interestOps(0);
      }
    }
  }

  private static byte[] deliver(BodyHandler<byte[]> handler, int status, HttpHeaders headers, byte[] body)
      throws IOException, InterruptedException {
    BodySubscriber<byte[]> subscriber = handler.apply(new HttpResponse.ResponseInfo() {
      @Override
      public int statusCode() {
        return status;
      }

      @Override
      public HttpHeaders headers() {
        return headers;
      }

      @Override
      public HttpClient.Version version() {
        return HttpClient.Version.HTTP_1_1;
      }
    });
    subscriber.onSubscribe(new Flow.Subscription() {
      @Override
      public void request(long n) {}

      @Override
      public void cancel() {}
    });
    if (body.length > 0) {
      subscriber.onNext(List.of(ByteBuffer.wrap(body)));
    }
    subscriber.onComplete();
    try {
      return subscriber.getBody().toCompletableFuture().get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }

  private static int statusOf(String statusLine) throws IOException {
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP/1.1 response: '" + statusLine + "'");
    }
    try {
      return Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("not an HTTP/1.1 status line: '" + statusLine + "'", e);
    }
  }

  private static int indexOf(ByteBuffer buffer, byte[] pattern) {
    byte[] bytes = buffer.array();
    for (int i = 0; i + pattern.length <= buffer.position(); i++) {
      int j = 0;
      while (j < pattern.length && bytes[i + j] == pattern[j]) {
        j++;
      }
      if (j == pattern.length) {
        return i;
      }
    }
    return -1;
  }

  /** A {@code Transfer-Encoding: chunked} body, decoded as it arrives in {@code received}. */
  private final class ChunkedBody {
    private int at;

    ChunkedBody(int start) {
      this.at = start;
    }

    byte[] read(long readBy) throws IOException {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        String sizeLine = line(readBy);
        int size;
        try {
          size = Integer.parseInt(sizeLine.split(";", 2)[0].strip(), 16);
        } catch (NumberFormatException e) {
          throw new IOException("bad chunk size '" + sizeLine + "' in a chunked response", e);
        }
        if (size == 0) {
          return body.toByteArray(); // trailers, if any, are not needed
        }
        if (body.size() + size > MAX_BODY_BYTES) {
          throw new IOException("chunked response body too large for a registry's answer");
        }
        while (received.position() - at < size + 2) {
          if (!readMore(readBy)) {
            throw new EOFException("connection closed inside a response chunk");
          }
        }
        body.write(received.array(), at, size);
        at += size + 2;
      }
    }

    private String line(long readBy) throws IOException {
      while (true) {
        for (int i = at; i + 1 < received.position(); i++) {
          if (received.get(i) == '\r' && received.get(i + 1) == '\n') {
            String line = new String(received.array(), at, i - at, StandardCharsets.ISO_8859_1);
            at = i + 2;
            return line;
          }
        }
        if (!readMore(readBy)) {
          throw new EOFException("connection closed inside a chunked response");
        }
      }
    }
  }

  /** The answer, as the rest of the client expects one from the JDK's. */
  private record PlainResponse(int statusCode, HttpRequest request, HttpHeaders headers, byte[] body)
      implements HttpResponse<byte[]> {
    @Override
    public Optional<HttpResponse<byte[]>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return Optional.empty();
    }

    @Override
    public URI uri() {
      return request.uri();
    }

    @Override
    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }
  }
}
