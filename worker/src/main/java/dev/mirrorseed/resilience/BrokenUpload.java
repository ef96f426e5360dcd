package dev.mirrorseed.resilience;

import dev.mirrorseed.registry.RegistryException;

/**
 * A blob body into an upload session failed in a way a later try may not ({@link #getCause()} says
 * how): the registry may hold part of it, so the upload starts over rather than resend it.
 */
final class BrokenUpload extends RuntimeException {
  BrokenUpload(RegistryException cause) {
    super(cause.getMessage(), cause, false, false);
  }

  @Override
  public synchronized RegistryException getCause() {
    return (RegistryException) super.getCause();
  }
}
