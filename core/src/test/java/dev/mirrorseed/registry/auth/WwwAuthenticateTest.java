package dev.mirrorseed.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WwwAuthenticateTest {
  @Test
  void readsDistributionsBearerChallengeWithCommasInsideTheScope() {
    List<Challenge> challenges = WwwAuthenticate.parse(List.of("Bearer realm=\"https://auth.example/token\","
        + "service=\"registry.example\",scope=\"repository:a/b:pull,push repository:c:pull\",error=\"invalid_token\""));

    assertThat(challenges).containsExactly(new Challenge("bearer", Map.of(
        "realm", "https://auth.example/token",
        "service", "registry.example",
        "scope", "repository:a/b:pull,push repository:c:pull",
        "error", "invalid_token")));
  }

  @Test
  void readsSeveralChallengesInOneHeaderAndAcrossHeaders() {
    List<Challenge> challenges = WwwAuthenticate.parse(List.of(
        "Negotiate, Basic realm=\"a, b\" , charset=UTF-8", "BEARER realm=https://auth.example/token"));

    assertThat(challenges).containsExactly(
        new Challenge("negotiate", Map.of()),
        new Challenge("basic", Map.of("realm", "a, b", "charset", "UTF-8")),
        new Challenge("bearer", Map.of("realm", "https://auth.example/token")));
  }

  @Test
  void unescapesQuotedPairsAndLowersParameterNames() {
    List<Challenge> challenges = WwwAuthenticate.parse(List.of("Basic Realm=\"say \\\"hi\\\" \\\\ bye\""));

    assertThat(challenges.get(0).param("realm")).hasValue("say \"hi\" \\ bye");
  }

  @Test
  void skipsWhatItCannotReadInsteadOfFailing() {
    assertThat(WwwAuthenticate.parse(List.of("", " , ", "Basic realm=\"unterminated"))).containsExactly(
        new Challenge("basic", Map.of("realm", "unterminated")));
    assertThat(WwwAuthenticate.parse(List.of("@@@ Bearer realm=\"r\""))).extracting(Challenge::scheme)
        .containsExactly("bearer");
  }
}
