package dev.mirrorseed.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirrorseed.registry.tls.TlsTrust;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegistryEndpointTest {
  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1:5000", "127.1.2.3", "localhost:5000", "LOCALHOST", "[::1]:5000"})
  void loopbackIsPlainHttp(String hostPort) {
    assertThat(RegistryEndpoint.of(hostPort, false).plainHttp()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"registry.example.com:5000", "10.0.0.5:5000", "127.example.com", "[fe80::1]:443"})
  void anythingElseIsHttpsUnlessInsecureIsAsked(String hostPort) {
    assertThat(RegistryEndpoint.of(hostPort, false).plainHttp()).isFalse();
    assertThat(RegistryEndpoint.of(hostPort, true).plainHttp()).isTrue();
  }

  @Test
  void aCaOnLoopbackAsksForHttpsUnlessPlainHttpIsAskedForByName() {
    TlsTrust ca = new TlsTrust(Path.of("ca.crt"), null, false);
    RegistryAccess defaults = RegistryAccess.defaults();
    assertThat(RegistryEndpoint.of("127.0.0.1:5443", new RegistryAccess(false, ca, defaults.credentials(),
        defaults.proxy(), 0)).plainHttp()).isFalse();
    assertThat(RegistryEndpoint.of("127.0.0.1:5443", new RegistryAccess(true, ca, defaults.credentials(),
        defaults.proxy(), 0)).plainHttp()).isTrue();
    // --insecure alone is also what people pass for a plain-HTTP registry, as with skopeo.
    assertThat(RegistryEndpoint.of("127.0.0.1:5000", new RegistryAccess(false, new TlsTrust(null, null, true),
        defaults.credentials(), defaults.proxy(), 0)).plainHttp()).isTrue();
  }

  @Test
  void baseUriCarriesSchemeAndPort() {
    assertThat(RegistryEndpoint.of("127.0.0.1:5000", false).baseUri()).isEqualTo(URI.create("http://127.0.0.1:5000"));
    assertThat(RegistryEndpoint.of("reg.example.com", false).baseUri()).isEqualTo(URI.create("https://reg.example.com"));
  }

  @Test
  void rejectsSchemeOrPathWithTheAddressInTheMessage() {
    assertThatThrownBy(() -> RegistryEndpoint.of("https://reg.example.com/ns", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'https://reg.example.com/ns'");
  }
}
