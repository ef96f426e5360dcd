package dev.mirrorseed.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mirrorseed.fixtures.RegistryServer;
import dev.mirrorseed.fixtures.RegistryVariant;
import dev.mirrorseed.fixtures.TestCa;
import dev.mirrorseed.fixtures.TinyProxy;
import dev.mirrorseed.registry.auth.CredentialSource;
import dev.mirrorseed.registry.proxy.ProxyRoutes;
import dev.mirrorseed.registry.tls.TlsTrust;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS registry reached through a real tinyproxy by host name, and what a user sees when the proxy is
 * down, wants credentials, or will not tunnel. (Proxy credentials are exercised end to end by the CLI
 * tests: they need a JVM-wide switch set before the JVM's first HttpClient.)
 */
class ProxiedRegistryTest {
  @TempDir static Path certs;
  static TestCa ca;
  static RegistryServer registry;
  static String address;

  @BeforeAll
  static void startTlsRegistry() {
    ca = TestCa.create(certs.resolve("ca"), "mirrorseed test CA");
    TestCa.Issued server = ca.issueServer("registry", TinyProxy.REGISTRY_HOST);
    registry = RegistryServer.start(RegistryVariant.plain().withTls(server.certificate(), server.key()));
    address = TinyProxy.REGISTRY_HOST + ":" + registry.port();
  }

  @AfterAll
  static void stopRegistry() {
    registry.stop();
  }

  @Test
  void tunnelsThroughTheProxyNamedInHttpsProxy() {
    TinyProxy proxy = TinyProxy.start(null, null, registry.port());
    try (RegistryClient client = client(Map.of("HTTPS_PROXY", proxy.url(null, null)))) {
      client.ping();

      assertThat(proxy.connectTargets()).containsExactly(address);
    } finally {
      proxy.stop();
    }
  }

  @Test
  void noProxySendsTheRegistryDirect() {
    TinyProxy proxy = TinyProxy.start(null, null, registry.port());
    try (RegistryClient client = client(Map.of("HTTPS_PROXY", proxy.url(null, null),
        "NO_PROXY", ".mirrorseed.test"))) {
      client.ping();

      assertThat(proxy.connectTargets()).isEmpty();
    } finally {
      proxy.stop();
    }
  }

  @Test
  void aProxyThatWantsCredentialsSaysWhereToPutThem() {
    TinyProxy proxy = TinyProxy.start("seeder", "s3cret", registry.port());
    try (RegistryClient client = client(Map.of("HTTPS_PROXY", proxy.url(null, null)))) {
      RegistryException e = catchThrowableOfType(RegistryException.class, client::ping);

      assertThat(e.retriable()).isFalse();
      assertThat(e.getMessage()).isEqualTo("proxy http://" + TinyProxy.HOST + ":" + proxy.port() + " (HTTPS_PROXY)"
          + " wants credentials (407) for registry " + address + ": put them in HTTPS_PROXY as"
          + " http://USER:PASSWORD@" + TinyProxy.HOST + ":" + proxy.port());
    } finally {
      proxy.stop();
    }
  }

  @Test
  void aProxyThatWillNotTunnelToTheRegistryPortIsNamed() {
    TinyProxy proxy = TinyProxy.start(null, null, 443);
    try (RegistryClient client = client(Map.of("https_proxy", proxy.url(null, null)))) {
      RegistryException e = catchThrowableOfType(RegistryException.class, client::ping);

      assertThat(e.getMessage()).startsWith("proxy http://" + TinyProxy.HOST + ":" + proxy.port() + " (https_proxy)"
          + " refused to open a tunnel to registry " + address + " (it answered CONNECT with 4");
    } finally {
      proxy.stop();
    }
  }

  @Test
  void anUnreachableProxyIsNamedNotTheRegistry() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = socket.getLocalPort();
    }
    try (RegistryClient client = client(Map.of("HTTPS_PROXY", "http://" + TinyProxy.HOST + ":" + closedPort))) {
      RegistryException e = catchThrowableOfType(RegistryException.class, client::ping);

      assertThat(e).isInstanceOf(RegistryUnreachableException.class);
      assertThat(e.getMessage()).isEqualTo("proxy http://" + TinyProxy.HOST + ":" + closedPort + " (HTTPS_PROXY)"
          + " is unreachable on the way to registry " + address + " (connection refused): check HTTPS_PROXY,"
          + " or list the registry in NO_PROXY");
    }
  }

  @Test
  void proxyCredentialsInAJvmThatWouldNotSendThemFailAtOnceSayingHow() {
    // Nothing in this test JVM calls ProxyTunnelAuth.allowBasic(); the CLI's main does.
    IllegalStateException e = catchThrowableOfType(IllegalStateException.class,
        () -> client(Map.of("HTTPS_PROXY", "http://seeder:s3cret@" + TinyProxy.HOST + ":3128")));

    assertThat(e.getMessage()).contains("HTTPS_PROXY has credentials for http://" + TinyProxy.HOST + ":3128",
        "-Djdk.http.auth.tunneling.disabledSchemes=").doesNotContain("s3cret").doesNotContain("seeder");
  }

  private static RegistryClient client(Map<String, String> environment) {
    return new RegistryClient(RegistryEndpoint.of(address, false), new RegistryAccess(false,
        new TlsTrust(ca.certificate(), null, false), CredentialSource.anonymous(),
        ProxyRoutes.fromEnvironment(environment), 0));
  }
}
