package dev.mirrorseed.registry;

import dev.mirrorseed.registry.auth.BearerToken;
import dev.mirrorseed.registry.auth.Challenge;
import dev.mirrorseed.registry.auth.Credential;
import dev.mirrorseed.registry.auth.CredentialSource;
import dev.mirrorseed.registry.auth.Scope;
import dev.mirrorseed.registry.auth.WwwAuthenticate;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Answers a registry's authentication challenges (a 401 with {@code WWW-Authenticate}) so that callers
 * never see them: Basic by resending with the user's credential, Bearer by fetching a token from the
 * realm the registry names. What worked is then presented up front, so after the first challenge a
 * request is one exchange: Basic on every request, tokens per repository, renewed before they expire.
 *
 * <p>A request is answered at most once per challenge, and a refused token is renewed once; what is
 * still refused after that is thrown as a one-line, non-retriable {@link RegistryException} naming who
 * was refused and how to fix it, so a wrong password costs two requests, not a retry storm.
 *
 * <p>Answering a challenge sends the request again, body included; the JDK's byte-array and file
 * publishers can do that. Writes rarely get that far: their push token is fetched before they leave.
 */
final class AuthTransport implements Transport {
  private final RegistryEndpoint endpoint;
  private final CredentialSource credentials;
  private final Transport inner;
  private final TokenCache tokens = new TokenCache();
  private volatile Optional<Credential> credential;
  /** The registry asked for Basic and took our credential: present it on every request. */
  private volatile boolean basic;
  /** The token service of the registry's latest Bearer challenge; null before the first. */
  private volatile TokenRealm realm;

  AuthTransport(RegistryEndpoint endpoint, CredentialSource credentials, Transport inner) {
    this.endpoint = endpoint;
    this.credentials = credentials;
    this.inner = inner;
  }

  @Override
  public HttpResponse<byte[]> send(HttpRequest request, BodyHandler<byte[]> body)
      throws IOException, InterruptedException {
    String repository = Scope.repositoryOf(request.uri().getRawPath()).orElse("");
    String sent = upFront(request, repository);
    HttpResponse<byte[]> response = inner.send(authorized(request, sent), body);
    if (response.statusCode() != 401) {
      return response;
    }
    List<Challenge> challenges = WwwAuthenticate.parse(response.headers().allValues("WWW-Authenticate"));
    Optional<Challenge> bearer = challenges.stream().filter(c -> c.is("bearer")).findFirst();
    if (bearer.isPresent()) {
      return withToken(request, body, repository, bearer.get(), sent);
    }
    if (challenges.stream().anyMatch(c -> c.is("basic"))) {
      return withBasic(request, body, sent);
    }
    return response; // no challenge we can answer: RegistryErrors explains the 401
  }

  @Override
  public void close() {
    inner.close();
  }

  /** What to present before being challenged: Basic once the registry took it, else the repository's token. */
  private String upFront(HttpRequest request, String repository) throws InterruptedException {
    if (basic) {
      return credential().map(Credential::basicAuthorization).orElse(null);
    }
    TokenRealm known = realm;
    if (known == null) {
      return null;
    }
    Set<Scope> held = tokens.neededFor(repository);
    Set<Scope> scopes = held;
    if (!repository.isEmpty()) {
      List<Scope> wanted = new ArrayList<>(List.of(Scope.forRequest(request.method(), repository)));
      Scope.mountSource(request.uri().getRawQuery()).ifPresent(wanted::add);
      if (!wanted.stream().allMatch(scope -> Scope.covers(held, scope))) {
        // Asked for now rather than after a refusal: a refused PUT would have sent its body for nothing,
        // and a mount would cost a 401 per blob.
        scopes = tokens.widen(repository, Set.copyOf(wanted));
      }
    }
    return tokens.token(scopes, null, wanted -> known.fetch(inner, endpoint, wanted, credential())).authorization();
  }

  private HttpResponse<byte[]> withBasic(HttpRequest request, BodyHandler<byte[]> body, String sent)
      throws IOException, InterruptedException {
    Credential user = credential().orElseThrow(() -> AuthErrors.credentialsNeeded(endpoint, request));
    String authorization = user.basicAuthorization();
    if (authorization.equals(sent)) {
      throw AuthErrors.credentialsRefused(endpoint, user.username());
    }
    HttpResponse<byte[]> response = inner.send(authorized(request, authorization), body);
    if (response.statusCode() == 401) {
      throw AuthErrors.credentialsRefused(endpoint, user.username());
    }
    basic = true;
    return response;
  }

  private HttpResponse<byte[]> withToken(HttpRequest request, BodyHandler<byte[]> body, String repository,
      Challenge challenge, String sent) throws IOException, InterruptedException {
    TokenRealm current = TokenRealm.of(endpoint, challenge);
    realm = current;
    Set<Scope> asked = challenge.param("scope").map(Scope::parseAll).orElse(Set.of());
    if (asked.isEmpty() && !repository.isEmpty()) {
      // Distribution always names the scope; a registry that does not still wants one for the repository.
      asked = Set.of(Scope.forRequest(request.method(), repository));
    }
    Set<Scope> scopes = tokens.widen(repository, asked);
    TokenCache.Fetch fetch = wanted -> current.fetch(inner, endpoint, wanted, credential());
    String refused = sent != null && sent.startsWith("Bearer ") ? sent.substring("Bearer ".length()) : null;
    BearerToken token = tokens.token(scopes, refused, fetch);
    HttpResponse<byte[]> response = inner.send(authorized(request, token.authorization()), body);
    if (response.statusCode() == 401 && refused == null) {
      // One renewal: a token can expire between issue and use (clock skew, a slow request).
      token = tokens.token(scopes, token.value(), fetch);
      response = inner.send(authorized(request, token.authorization()), body);
    }
    if (response.statusCode() == 401) {
      Optional<Challenge> last = WwwAuthenticate.parse(response.headers().allValues("WWW-Authenticate")).stream()
          .filter(c -> c.is("bearer")).findFirst();
      throw AuthErrors.tokenRefused(endpoint, current.uri(), request, last, scopes, credential());
    }
    return response;
  }

  /** Looked up once, when first needed: a registry that never challenges never triggers a prompt. */
  private Optional<Credential> credential() {
    Optional<Credential> known = credential;
    if (known == null) {
      synchronized (this) {
        if (credential == null) {
          credential = credentials.lookup(endpoint.hostPort());
        }
        known = credential;
      }
    }
    return known;
  }

  private static HttpRequest authorized(HttpRequest request, String authorization) {
    if (authorization == null) {
      return request;
    }
    return HttpRequest.newBuilder(request, (name, value) -> !name.equalsIgnoreCase("Authorization"))
        .header("Authorization", authorization)
        .build();
  }
}
