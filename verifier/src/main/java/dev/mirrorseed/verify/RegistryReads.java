package dev.mirrorseed.verify;

import dev.mirrorseed.registry.RegistryClient;
import java.util.function.Supplier;

/**
 * How the verifier makes its registry reads: at once, or under the process's resilience policy
 * (retried, and waiting out an outage of the registry), which the worker module provides.
 */
public interface RegistryReads {
  /** Each read made once: a failure is the verdict's problem. */
  RegistryReads DIRECT = new RegistryReads() {
    @Override
    public <T> T read(RegistryClient registry, Supplier<T> read) {
      return read.get();
    }
  };

  <T> T read(RegistryClient registry, Supplier<T> read);
}
