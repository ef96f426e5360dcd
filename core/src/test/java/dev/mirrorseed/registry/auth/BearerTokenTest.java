package dev.mirrorseed.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BearerTokenTest {
  private static final Instant FETCHED = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  void takesTokenOrOAuth2AccessTokenAndTheirLifetime() {
    assertThat(parse("{\"token\":\"t1\",\"expires_in\":300}").expiresAt()).isEqualTo(FETCHED.plusSeconds(300));
    assertThat(parse("{\"access_token\":\"t2\",\"expires_in\":120}").value()).isEqualTo("t2");
    assertThat(parse("{\"token\":\"t3\",\"access_token\":\"ignored\"}").value()).isEqualTo("t3");
  }

  @Test
  void withoutExpiresInItLivesSixtySeconds() {
    assertThat(parse("{\"token\":\"t\"}").expiresAt()).isEqualTo(FETCHED.plusSeconds(60));
    assertThat(parse("{\"token\":\"t\",\"expires_in\":0}").expiresAt()).isEqualTo(FETCHED.plusSeconds(60));
  }

  @Test
  void isRenewedAQuarterOfItsLifeButAtMostThirtySecondsBeforeItExpires() {
    BearerToken minute = parse("{\"token\":\"t\",\"expires_in\":60}");
    BearerToken hour = parse("{\"token\":\"t\",\"expires_in\":3600}");

    assertThat(minute.usableAt(FETCHED.plusSeconds(44))).isTrue();
    assertThat(minute.usableAt(FETCHED.plusSeconds(45))).isFalse();
    assertThat(hour.usableAt(FETCHED.plusSeconds(3569))).isTrue();
    assertThat(hour.usableAt(FETCHED.plusSeconds(3570))).isFalse();
  }

  @Test
  void anAnswerWithoutTokenIsRefusedAndTheTokenNeverPrinted() {
    assertThatThrownBy(() -> parse("{\"expires_in\":60}")).hasMessageContaining("neither 'token' nor 'access_token'");
    assertThatThrownBy(() -> parse("<html>")).hasMessageContaining("not JSON");
    assertThat(parse("{\"token\":\"secret-token\"}").toString()).doesNotContain("secret-token");
  }

  private static BearerToken parse(String json) {
    return BearerToken.parse(json.getBytes(StandardCharsets.UTF_8), FETCHED);
  }
}
