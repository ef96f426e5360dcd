package dev.mirrorseed.registry.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** HTTPS_PROXY, HTTP_PROXY and NO_PROXY read as curl and Go read them, loopback never proxied. */
class ProxyRoutesTest {
  private static final String PROXY = "http://proxy.example:3128";

  @Test
  void httpsRegistriesUseHttpsProxyAndPlainOnesHttpProxy() {
    ProxyRoutes routes = ProxyRoutes.fromEnvironment(Map.of(
        "HTTPS_PROXY", PROXY, "HTTP_PROXY", "http://plain.example:8080"));

    assertThat(via(routes, "https://registry.example:5000")).hasValue("http://proxy.example:3128");
    assertThat(via(routes, "http://registry.example:5000")).hasValue("http://plain.example:8080");
  }

  @Test
  void anHttpsRegistryDoesNotFallBackToHttpProxy() {
    ProxyRoutes routes = ProxyRoutes.fromEnvironment(Map.of("HTTP_PROXY", PROXY));

    assertThat(via(routes, "https://registry.example")).isEmpty();
  }

  @Test
  void lowercaseVariablesTakePrecedenceAndEmptyOnesCountAsUnset() {
    ProxyRoutes both = ProxyRoutes.fromEnvironment(Map.of(
        "https_proxy", "http://lower.example:1", "HTTPS_PROXY", "http://upper.example:2"));
    ProxyRoutes emptyLower = ProxyRoutes.fromEnvironment(Map.of(
        "https_proxy", "", "HTTPS_PROXY", "http://upper.example:2"));

    assertThat(via(both, "https://registry.example")).hasValue("http://lower.example:1");
    assertThat(via(emptyLower, "https://registry.example")).hasValue("http://upper.example:2");
  }

  @Test
  void loopbackIsNeverProxiedButANameThatResolvesThereIs() {
    ProxyRoutes routes = ProxyRoutes.fromEnvironment(Map.of("HTTPS_PROXY", PROXY));

    assertThat(via(routes, "https://localhost:5000")).isEmpty();
    assertThat(via(routes, "https://127.0.0.1:5000")).isEmpty();
    assertThat(via(routes, "https://127.8.9.10:5000")).isEmpty();
    assertThat(via(routes, "https://[::1]:5000")).isEmpty();
    // By name only: what a name resolves to is not looked up (registry.mirrorseed.test is 127.0.0.1 here).
    assertThat(via(routes, "https://registry.mirrorseed.test:5000")).isPresent();
  }

  @Test
  void noProxyDomainsMatchThemselvesAndSubdomainsUnlessWrittenWithALeadingDot() {
    ProxyRoutes routes = ProxyRoutes.fromEnvironment(Map.of("HTTPS_PROXY", PROXY,
        "NO_PROXY", " corp.example , .internal.example,*.wild.example, Upper.Example"));

    assertThat(via(routes, "https://corp.example")).isEmpty();
    assertThat(via(routes, "https://registry.corp.example:5000")).isEmpty();
    assertThat(via(routes, "https://notcorp.example")).isPresent();
    assertThat(via(routes, "https://registry.internal.example")).isEmpty();
    assertThat(via(routes, "https://internal.example")).isPresent();
    assertThat(via(routes, "https://a.wild.example")).isEmpty();
    assertThat(via(routes, "https://wild.example")).isPresent();
    assertThat(via(routes, "https://upper.example")).isEmpty();
  }

  @Test
  void noProxyEntriesWithAPortMatchOnlyThatPort() {
    ProxyRoutes routes = ProxyRoutes.fromEnvironment(Map.of("HTTPS_PROXY", PROXY,
        "NO_PROXY", "registry.example:5000,10.1.2.3:443,[fd00::1]:5000"));

    assertThat(via(routes, "https://registry.example:5000")).isEmpty();
    assertThat(via(routes, "https://registry.example:5001")).isPresent();
    assertThat(via(routes, "https://10.1.2.3")).isEmpty(); // https's default port, 443
    assertThat(via(routes, "https://10.1.2.3:5000")).isPresent();
    assertThat(via(routes, "https://[fd00::1]:5000")).isEmpty();
    assertThat(via(routes, "https://[fd00::1]:5001")).isPresent();
  }

  @Test
  void noProxyIpAddressesAndCidrBlocksMatchAddressesOnly() {
    ProxyRoutes routes = ProxyRoutes.fromEnvironment(Map.of("HTTPS_PROXY", PROXY,
        "NO_PROXY", "192.168.0.0/16,172.18.0.20,fd00::/8"));

    assertThat(via(routes, "https://192.168.44.5:5000")).isEmpty();
    assertThat(via(routes, "https://192.169.0.1:5000")).isPresent();
    assertThat(via(routes, "https://172.18.0.20:5000")).isEmpty();
    assertThat(via(routes, "https://172.18.0.21:5000")).isPresent();
    assertThat(via(routes, "https://[fd12:3456::1]:5000")).isEmpty();
    assertThat(via(routes, "https://[fe80::1]:5000")).isPresent();
  }

  @Test
  void noProxyStarBypassesEverything() {
    ProxyRoutes routes = ProxyRoutes.fromEnvironment(Map.of("HTTPS_PROXY", PROXY, "no_proxy", "*"));

    assertThat(via(routes, "https://registry.example")).isEmpty();
  }

  @Test
  void proxyUrlsWithoutSchemeOrPortReadAsGoReadsThem() {
    ProxyServer bare = ProxyServer.parse("proxy.example", "HTTPS_PROXY");
    ProxyServer withPath = ProxyServer.parse("http://proxy.example:3128/", "HTTPS_PROXY");

    assertThat(bare.url()).isEqualTo("http://proxy.example:80");
    assertThat(withPath.url()).isEqualTo("http://proxy.example:3128");
    assertThat(bare.hasCredentials()).isFalse();
  }

  @Test
  void credentialsAreDecodedAndNeverShown() {
    ProxyRoutes routes = ProxyRoutes.fromEnvironment(
        Map.of("HTTPS_PROXY", "http://seeder:p%40ss:w@rd+1@proxy.example:3128"));
    ProxyServer proxy = routes.forUri(URI.create("https://registry.example")).orElseThrow();

    assertThat(proxy.user()).isEqualTo("seeder");
    assertThat(proxy.password()).isEqualTo("p@ss:w@rd+1");
    assertThat(proxy.url()).isEqualTo("http://proxy.example:3128");
    assertThat(proxy.toString()).isEqualTo("http://proxy.example:3128 (with credentials) from HTTPS_PROXY")
        .doesNotContain("seeder").doesNotContain("rd+1");
    assertThat(routes.toString()).doesNotContain("seeder").doesNotContain("p%40ss").doesNotContain("rd+1");
  }

  @Test
  void unsupportedOrBrokenProxyUrlsFailWithoutEchoingCredentials() {
    assertThatThrownBy(() -> ProxyRoutes.fromEnvironment(Map.of("HTTPS_PROXY", "socks5://u:secret@proxy.example:1080")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("HTTPS_PROXY socks5://proxy.example:1080 is not supported: mirrorseed reaches registries"
            + " through http:// proxies only (HTTP CONNECT); give the proxy's http:// address");
    assertThatThrownBy(() -> ProxyRoutes.fromEnvironment(Map.of("https_proxy", "http://u:secret@proxy.example:port")))
        .hasMessage("https_proxy http://proxy.example:port is not a proxy address: use"
            + " http://[user:password@]host:port")
        .message().doesNotContain("secret");
  }

  @Test
  void withoutVariablesEverythingIsDirect() {
    assertThat(via(ProxyRoutes.fromEnvironment(Map.of()), "https://registry.example")).isEmpty();
    assertThat(via(ProxyRoutes.direct(), "http://registry.example")).isEmpty();
  }

  private static Optional<String> via(ProxyRoutes routes, String uri) {
    return routes.forUri(URI.create(uri)).map(ProxyServer::url);
  }
}
