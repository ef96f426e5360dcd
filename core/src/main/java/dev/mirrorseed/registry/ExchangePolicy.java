package dev.mirrorseed.registry;

import java.net.http.HttpRequest;
import java.util.function.Supplier;

/**
 * What happens around each exchange a {@link RegistryClient} has with one registry, and as its upload
 * bodies flow: the resilience layer paces requests and bytes, judges the registry's health, and sends
 * again what may be sent again. The client only calls it, so the limits and retries cover every request
 * whoever makes it (workers, verifier). Implementations are thread-safe and may block the caller.
 */
public interface ExchangePolicy {
  /** Each exchange once, nothing paced. */
  ExchangePolicy DIRECT = new ExchangePolicy() {
    @Override
    public <T> T exchange(HttpRequest request, boolean resendable, Supplier<T> send) {
      return send.get();
    }

    @Override
    public void awaitUploadBytes(long bytes) {}
  };

  /**
   * Makes one exchange: {@code send} sends {@code request} once and throws a {@link RegistryException}
   * if it failed. A {@code resendable} request (a HEAD, a GET, opening an upload, a manifest) may be sent
   * again as it is; a blob body into an upload session may not (the registry may hold part of it), so
   * its upload has to start over instead.
   */
  <T> T exchange(HttpRequest request, boolean resendable, Supplier<T> send);

  /**
   * Returns when {@code bytes} more upload body bytes may go. Called on the thread that hands them to
   * the HTTP client (the caller's or one of the client's workers, never its selector), before it does.
   */
  void awaitUploadBytes(long bytes);
}
