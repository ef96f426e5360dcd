package dev.mirrorseed.registry;

/**
 * Paces what a {@link RegistryClient} sends to one registry: every request waits for its turn, and
 * upload bodies are held back as the HTTP client takes their bytes, so a limit covers every request
 * and every byte whoever makes them (workers, verifier). The client only calls it; the resilience
 * layer decides the limits. Implementations must be thread-safe and may block the calling thread.
 */
public interface RegistryPacer {
  /** No limits: what a client without a pacer uses. */
  RegistryPacer UNPACED = new RegistryPacer() {
    @Override
    public void awaitRequestTurn() {}

    @Override
    public void awaitUploadBytes(long bytes) {}
  };

  /** Returns when the next request to the registry may start. */
  void awaitRequestTurn();

  /**
   * Returns when {@code bytes} more upload body bytes may go. Called on the thread that hands them to
   * the HTTP client (the caller's or one of the client's workers, never its selector), before it does.
   */
  void awaitUploadBytes(long bytes);
}
