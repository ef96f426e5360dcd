package dev.mirrorseed.registry;

import dev.mirrorseed.registry.auth.Challenge;
import dev.mirrorseed.registry.auth.Credential;
import dev.mirrorseed.registry.auth.Scope;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;

/**
 * The one-line messages of authentication failures: which registry or token realm refused whom, and
 * which flag fixes it. They name users, never passwords or tokens: these lines reach Kafka and reports.
 */
final class AuthErrors {
  static final String GIVE_CREDENTIALS =
      "give --username with --password-stdin, or a docker config.json that has them (--docker-config)";
  static final String CHECK_CREDENTIALS = "check --username/--password or the docker config";

  private AuthErrors() {}

  static RegistryException credentialsNeeded(RegistryEndpoint endpoint, HttpRequest request) {
    return unauthorized("registry " + endpoint.hostPort() + " needs credentials (" + exchange(request)
        + " answered 401) and none were found: " + GIVE_CREDENTIALS);
  }

  static RegistryException credentialsRefused(RegistryEndpoint endpoint, String username) {
    return unauthorized("registry " + endpoint.hostPort() + " refused the credentials of user " + username + ": "
        + CHECK_CREDENTIALS);
  }

  static RegistryException realmRefused(RegistryEndpoint endpoint, URI realm, Optional<Credential> credential) {
    return unauthorized(credential
        .map(c -> "token realm " + shown(realm) + " of registry " + endpoint.hostPort() + " refused the credentials"
            + " of user " + c.username() + ": " + CHECK_CREDENTIALS)
        .orElse("token realm " + shown(realm) + " of registry " + endpoint.hostPort() + " refused anonymous access:"
            + " credentials are needed; " + GIVE_CREDENTIALS));
  }

  static RegistryException realmFailed(RegistryEndpoint endpoint, URI realm, int status) {
    boolean retriable = RegistryErrors.isRetriableStatus(status);
    return new RegistryException("token realm " + shown(realm) + " of registry " + endpoint.hostPort() + " answered "
        + status + " instead of a token: " + (retriable ? "retrying may help; check the token service's log"
        : "check the registry's auth.token settings and the token service's log"), status, null, retriable, null, null);
  }

  static RegistryException realmUnreadable(RegistryEndpoint endpoint, URI realm, String reason) {
    return new RegistryException("token realm " + shown(realm) + " of registry " + endpoint.hostPort()
        + " gave no usable token (" + reason + "): check that auth.token.realm points at a token service",
        200, null, false, null, null);
  }

  static RegistryException realmIo(RegistryEndpoint endpoint, URI realm, IOException e) {
    String what = "token realm " + shown(realm) + " of registry " + endpoint.hostPort();
    if (RegistryErrors.has(e, SSLException.class)) {
      return new RegistryException(what + " failed the TLS handshake (" + RegistryErrors.rootMessage(e)
          + "): trust its certificate as the registry's (--cacert)", 0, null, false, null, e);
    }
    return new RegistryUnreachableException(what + " is unreachable (" + RegistryErrors.rootMessage(e)
        + "): check the registry's auth.token.realm and that the token service is running", e);
  }

  static RegistryException realmInClearText(RegistryEndpoint endpoint, URI realm, Credential credential) {
    return unauthorized("token realm " + shown(realm) + " of HTTPS registry " + endpoint.hostPort()
        + " is plain HTTP: the password of user " + credential.username() + " is not sent in clear text;"
        + " serve the realm over HTTPS (auth.token.realm)");
  }

  static RegistryException noRealm(RegistryEndpoint endpoint, Challenge challenge) {
    return unauthorized("registry " + endpoint.hostPort() + " asks for a bearer token but names no usable realm ('"
        + challenge.param("realm").orElse("") + "'): check its auth.token.realm setting");
  }

  /** The registry answered 401 to a token just fetched, and again to a fresh one. */
  static RegistryException tokenRefused(RegistryEndpoint endpoint, URI realm, HttpRequest request,
      Optional<Challenge> last, Set<Scope> scopes, Optional<Credential> credential) {
    String reason = last.flatMap(challenge -> challenge.param("error")).orElse("401");
    String prefix = "registry " + endpoint.hostPort() + " refused the tokens of realm " + shown(realm) + " for "
        + exchange(request) + " (" + reason + ")";
    if (reason.equals("insufficient_scope")) {
      String granted = scopes.stream().map(Scope::toString).collect(Collectors.joining(" "));
      return unauthorized(prefix + ": the realm did not grant " + granted
          + credential.map(c -> " to user " + c.username()).orElse(" without credentials")
          + "; check that the account may push to and pull from this repository");
    }
    return unauthorized(prefix + ": they are expired on arrival or not signed by a key the registry trusts;"
        + " check the clocks of both hosts and the registry's auth.token issuer, service and rootcertbundle");
  }

  /** The user a request presented with HTTP Basic, for messages about what that user may do. */
  static Optional<String> basicUser(HttpRequest request) {
    return request.headers().firstValue("Authorization")
        .filter(value -> value.regionMatches(true, 0, "Basic ", 0, 6))
        .flatMap(value -> {
          try {
            String pair = new String(Base64.getDecoder().decode(value.substring(6).strip()), StandardCharsets.UTF_8);
            return pair.indexOf(':') > 0 ? Optional.of(pair.substring(0, pair.indexOf(':'))) : Optional.empty();
          } catch (IllegalArgumentException e) {
            return Optional.empty();
          }
        });
  }

  /** A realm without its query: the service and scopes say nothing a person needs here. */
  private static String shown(URI realm) {
    return realm.getScheme() + "://" + realm.getRawAuthority() + realm.getRawPath();
  }

  private static String exchange(HttpRequest request) {
    return request.method() + " " + request.uri().getRawPath();
  }

  private static RegistryException unauthorized(String message) {
    return new RegistryException(message, 401, null, false, null, null);
  }
}
