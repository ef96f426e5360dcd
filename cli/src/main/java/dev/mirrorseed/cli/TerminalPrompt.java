package dev.mirrorseed.cli;

import dev.mirrorseed.registry.auth.Credential;
import dev.mirrorseed.registry.auth.CredentialSource;
import java.io.Console;
import java.util.Optional;

/** Asks for credentials on the terminal, as bmctl does; never without one (scripts get anonymous). */
final class TerminalPrompt {
  private TerminalPrompt() {}

  /** Asked once, when a registry first challenges; empty without a terminal. */
  static CredentialSource forCredentials() {
    return new CredentialSource() {
      private Optional<Credential> answer;

      @Override
      public synchronized Optional<Credential> lookup(String registry) {
        if (answer == null) {
          Console console = System.console();
          answer = console == null ? Optional.empty() : ask(console, registry);
        }
        return answer;
      }
    };
  }

  /** The password for {@code username}, asked on the terminal. */
  static String password(String username) {
    Console console = System.console();
    if (console == null) {
      throw new IllegalArgumentException("--username " + username + " without a password and no terminal to"
          + " ask on: use --password-stdin");
    }
    return new String(console.readPassword("Password for %s: ", username));
  }

  private static Optional<Credential> ask(Console console, String registry) {
    String username = console.readLine("Username for %s (empty for anonymous): ", registry);
    if (username == null || username.isBlank()) {
      return Optional.empty();
    }
    char[] password = console.readPassword("Password for %s: ", username.strip());
    return Optional.of(new Credential(username.strip(), password == null ? "" : new String(password)));
  }
}
