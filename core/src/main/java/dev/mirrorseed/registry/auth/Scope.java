package dev.mirrorseed.registry.auth;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a bearer token may be used for, in the token protocol's words: {@code repository:a/b:pull,push}
 * is the resource {@code repository:a/b} and the actions {@code pull} and {@code push}.
 *
 * @param resource type and name, e.g. {@code repository:a/b} (the name may hold ':', the actions never do)
 * @param actions sorted, so equal grants compare and print equal
 */
public record Scope(String resource, SortedSet<String> actions) {
  /** Every API path that names a repository: blobs, uploads (with their session), manifests, tags. */
  private static final Pattern REPOSITORY_PATH =
      Pattern.compile("^/v2/(.+)/(?:blobs/uploads/[^/]*|blobs/[^/]+|manifests/[^/]+|tags/list)$");

  public Scope {
    actions = new TreeSet<>(actions);
  }

  /** {@code type:name:action[,action]}; empty when it does not have that shape. */
  public static Optional<Scope> parse(String text) {
    int last = text.lastIndexOf(':');
    if (text.indexOf(':') < 0 || last == text.indexOf(':') || last == text.length() - 1) {
      return Optional.empty();
    }
    return Optional.of(new Scope(text.substring(0, last), new TreeSet<>(List.of(text.substring(last + 1).split(",")))));
  }

  /** The scopes of a challenge's {@code scope} parameter, which distribution separates by spaces. */
  public static Set<Scope> parseAll(String scopeParam) {
    return merge(Set.of(), List.of(scopeParam.trim().split("\\s+")).stream()
        .map(Scope::parse).flatMap(Optional::stream).collect(Collectors.toList()));
  }

  /** The scope a request on {@code repository} needs: pull to read, pull and push to write. */
  public static Scope forRequest(String method, String repository) {
    boolean reads = method.equals("GET") || method.equals("HEAD");
    return new Scope("repository:" + repository, reads ? new TreeSet<>(Set.of("pull")) : new TreeSet<>(Set.of("pull", "push")));
  }

  /**
   * The pull a cross-repository mount ({@code POST ...?mount=D&from=R}) needs on the repository it
   * mounts from, besides push on its own; empty for any other query.
   */
  public static Optional<Scope> mountSource(String rawQuery) {
    if (rawQuery == null) {
      return Optional.empty();
    }
    for (String parameter : rawQuery.split("&")) {
      if (parameter.startsWith("from=") && parameter.length() > "from=".length()) {
        String from = URLDecoder.decode(parameter.substring("from=".length()), StandardCharsets.UTF_8);
        return Optional.of(new Scope("repository:" + from, new TreeSet<>(Set.of("pull"))));
      }
    }
    return Optional.empty();
  }

  /** The repository a distribution API path acts on ({@code /v2/a/b/blobs/sha256:...} is {@code a/b}). */
  public static Optional<String> repositoryOf(String rawPath) {
    Matcher matcher = REPOSITORY_PATH.matcher(rawPath);
    return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
  }

  /** Both sets as one, the actions of a resource in either joined: tokens asked for only ever grow. */
  public static Set<Scope> merge(Collection<Scope> held, Collection<Scope> wanted) {
    TreeMap<String, SortedSet<String>> byResource = new TreeMap<>();
    for (Collection<Scope> scopes : List.of(held, wanted)) {
      for (Scope scope : scopes) {
        byResource.computeIfAbsent(scope.resource(), resource -> new TreeSet<>()).addAll(scope.actions());
      }
    }
    return byResource.entrySet().stream()
        .map(entry -> new Scope(entry.getKey(), entry.getValue()))
        .collect(Collectors.toCollection(() -> new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()))));
  }

  /** True when every action {@code wanted} asks for on its resource is in {@code held}. */
  public static boolean covers(Collection<Scope> held, Scope wanted) {
    return held.stream().anyMatch(scope -> scope.resource().equals(wanted.resource())
        && scope.actions().containsAll(wanted.actions()));
  }

  @Override
  public String toString() {
    return resource + ":" + String.join(",", actions);
  }
}
