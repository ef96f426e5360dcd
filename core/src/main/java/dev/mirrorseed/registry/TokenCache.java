package dev.mirrorseed.registry;

import dev.mirrorseed.registry.auth.BearerToken;
import dev.mirrorseed.registry.auth.Scope;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * The bearer tokens of one registry: one per set of scopes, reused until shortly before it expires, and
 * which scopes each repository's requests have needed so far. Many worker threads share it; for one set
 * of scopes only one of them asks the token service at a time, the others wait and take its token.
 */
final class TokenCache {
  /** The registry's answer to a token fetch: a token, or a one-line {@link RegistryException}. */
  @FunctionalInterface
  interface Fetch {
    BearerToken fetch(Set<Scope> scopes) throws InterruptedException;
  }

  private static final class Slot {
    final ReentrantLock lock = new ReentrantLock();
    volatile BearerToken token;
  }

  private final Map<String, Slot> slots = new ConcurrentHashMap<>();
  private final Map<String, Set<Scope>> needed = new ConcurrentHashMap<>();

  /**
   * A token for {@code scopes}: the cached one while it is usable and is not {@code refused} (what the
   * registry just turned down), else a new one from {@code fetch}.
   */
  BearerToken token(Set<Scope> scopes, String refused, Fetch fetch) throws InterruptedException {
    Slot slot = slots.computeIfAbsent(key(scopes), key -> new Slot());
    slot.lock.lockInterruptibly();
    try {
      BearerToken cached = slot.token;
      if (cached != null && cached.usableAt(Instant.now()) && !cached.value().equals(refused)) {
        return cached;
      }
      slot.token = fetch.fetch(scopes);
      return slot.token;
    } finally {
      slot.lock.unlock();
    }
  }

  /** The scopes requests on {@code repository} ("" for none) have needed so far; empty before the first. */
  Set<Scope> neededFor(String repository) {
    return needed.getOrDefault(repository, Set.of());
  }

  /** Widens what {@code repository}'s requests need by {@code scopes}; returns the widened set. */
  Set<Scope> widen(String repository, Set<Scope> scopes) {
    return needed.merge(repository, Scope.merge(Set.of(), scopes), Scope::merge);
  }

  private static String key(Set<Scope> scopes) {
    return scopes.stream().map(Scope::toString).sorted().collect(Collectors.joining(" "));
  }
}
