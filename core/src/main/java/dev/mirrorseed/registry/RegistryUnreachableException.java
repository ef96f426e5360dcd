package dev.mirrorseed.registry;

/**
 * No HTTP conversation could be started: connection refused, unknown host, or no answer in time.
 * Always retriable, since registries restart; a caller that keeps getting it should stop and say so.
 */
public class RegistryUnreachableException extends RegistryException {
  public RegistryUnreachableException(String message, Throwable cause) {
    super(message, 0, null, true, null, cause);
  }
}
