package dev.mirrorseed.registry;

import dev.mirrorseed.registry.auth.BearerToken;
import dev.mirrorseed.registry.auth.Challenge;
import dev.mirrorseed.registry.auth.Credential;
import dev.mirrorseed.registry.auth.Scope;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * The token service a registry's {@code Bearer} challenge names, and one request to it: {@code GET
 * realm?service=S&scope=A&scope=B}, with the user's Basic credentials when there are any (anonymous
 * otherwise), as docker and distribution's token specification do it.
 *
 * @param uri the {@code realm}, absolute http(s)
 * @param service the {@code service} parameter, possibly empty
 */
record TokenRealm(URI uri, String service) {
  static TokenRealm of(RegistryEndpoint endpoint, Challenge challenge) {
    try {
      URI uri = new URI(challenge.param("realm").orElse(""));
      if (!uri.isAbsolute() || uri.getHost() == null
          || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))) {
        throw AuthErrors.noRealm(endpoint, challenge);
      }
      return new TokenRealm(uri, challenge.param("service").orElse(""));
    } catch (URISyntaxException e) {
      throw AuthErrors.noRealm(endpoint, challenge);
    }
  }

  /** A token for {@code scopes}; every way this fails is a one-line {@link RegistryException}. */
  BearerToken fetch(Transport transport, RegistryEndpoint endpoint, Set<Scope> scopes, Optional<Credential> credential)
      throws InterruptedException {
    if (credential.isPresent() && uri.getScheme().equalsIgnoreCase("http") && !endpoint.plainHttp()) {
      throw AuthErrors.realmInClearText(endpoint, uri, credential.get());
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(withQuery(scopes))
        .timeout(RegistryClient.EXCHANGE_TIMEOUT)
        .header("User-Agent", RegistryClient.USER_AGENT)
        .header("Accept", "application/json")
        .GET();
    credential.ifPresent(c -> request.header("Authorization", c.basicAuthorization()));
    Instant fetchedAt = Instant.now();
    HttpResponse<byte[]> response;
    try {
      response = transport.send(request.build());
    } catch (IOException e) {
      throw AuthErrors.realmIo(endpoint, uri, e);
    }
    if (response.statusCode() == 401 || response.statusCode() == 403) {
      throw AuthErrors.realmRefused(endpoint, uri, credential);
    }
    if (response.statusCode() != 200) {
      throw AuthErrors.realmFailed(endpoint, uri, response.statusCode());
    }
    try {
      return BearerToken.parse(response.body(), fetchedAt);
    } catch (IllegalArgumentException e) {
      throw AuthErrors.realmUnreadable(endpoint, uri, e.getMessage());
    }
  }

  /** The realm plus {@code service} and one {@code scope} parameter per scope, after any query it has. */
  private URI withQuery(Set<Scope> scopes) {
    StringBuilder query = new StringBuilder(uri.getRawQuery() == null ? "" : uri.getRawQuery());
    if (!service.isEmpty()) {
      append(query, "service", service);
    }
    for (Scope scope : scopes) {
      append(query, "scope", scope.toString());
    }
    String base = uri.toString();
    int cut = base.indexOf('?') >= 0 ? base.indexOf('?') : base.indexOf('#') >= 0 ? base.indexOf('#') : base.length();
    return URI.create(base.substring(0, cut) + (query.length() == 0 ? "" : "?" + query));
  }

  private static void append(StringBuilder query, String name, String value) {
    if (query.length() > 0) {
      query.append('&');
    }
    query.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }
}
