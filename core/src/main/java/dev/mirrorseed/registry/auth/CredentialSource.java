package dev.mirrorseed.registry.auth;

import java.util.Optional;

/**
 * Where this process finds credentials for a registry: flags, a docker {@code config.json}, a prompt.
 * Asked lazily, when a registry first challenges, so a registry that allows anonymous access never
 * triggers a prompt or a credential helper.
 */
@FunctionalInterface
public interface CredentialSource {
  /** The credential for {@code registry} ({@code host[:port]}), or empty to go anonymous. */
  Optional<Credential> lookup(String registry);

  /** Never presents credentials ({@code --need-credential=false}). */
  static CredentialSource anonymous() {
    return registry -> Optional.empty();
  }

  /** The same credential for every registry (the push target is the only one a run talks to). */
  static CredentialSource of(Credential credential) {
    return registry -> Optional.of(credential);
  }

  /** This source's credential if it has one, else {@code fallback}'s. */
  default CredentialSource orElse(CredentialSource fallback) {
    return registry -> lookup(registry).or(() -> fallback.lookup(registry));
  }
}
