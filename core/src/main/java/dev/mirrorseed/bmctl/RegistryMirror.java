package dev.mirrorseed.bmctl;

import dev.mirrorseed.reference.MirrorTarget;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One entry of {@code registryMirrors} in a bmctl cluster config (Google Distributed Cloud for bare
 * metal): a registry the cluster's containerd pulls gcr.io images (and those of {@code hosts}) from,
 * with the CA and docker {@code config.json} that reach it. Fields are named as in the file, so the
 * block can be written back as bmctl reads it.
 *
 * @param endpoint {@code https://HOST:PORT} or {@code https://HOST:PORT/v2/NAMESPACE}, always with a
 *     scheme ({@link #endpoint(String)} adds the https a file may leave out)
 * @param caCertPath PEM CA certificate the mirror's TLS certificate chains to; null for the system trust
 * @param pullCredentialConfigPath docker {@code config.json} holding the mirror's credentials; null if none
 * @param hosts registries besides gcr.io that the mirror stands in for; empty when none are listed
 */
public record RegistryMirror(URI endpoint, Path caCertPath, Path pullCredentialConfigPath, List<String> hosts) {
  /** The registry bmctl always pulls through its mirrors, whatever {@code hosts} says. */
  public static final String ALWAYS_MIRRORED = "gcr.io";

  private static final Pattern HAS_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*");

  public RegistryMirror {
    if (endpoint == null || endpoint.getRawAuthority() == null || !isHttpOrHttps(endpoint.getScheme())) {
      throw new IllegalArgumentException(
          "registry mirror endpoint must be https://HOST:PORT[/v2/NAMESPACE], got '" + endpoint + "'");
    }
    hosts = hosts == null ? List.of() : List.copyOf(hosts);
  }

  /** Reads an endpoint as a cluster config writes it: {@code HOST:PORT/v2/NS} without a scheme is https. */
  public static URI endpoint(String text) {
    String trimmed = text.strip();
    try {
      return new URI(HAS_SCHEME.matcher(trimmed).matches() ? trimmed : "https://" + trimmed);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "registry mirror endpoint '" + text + "' is not a URL like https://HOST:PORT[/v2/NAMESPACE]", e);
    }
  }

  /** The https endpoint of a {@code --private-registry HOST:PORT[/NAMESPACE]}: {@code https://HOST:PORT/v2/NAMESPACE}. */
  public static URI endpoint(MirrorTarget target) {
    return URI.create("https://" + target.registry() + (target.namespace().isEmpty() ? "" : "/v2/" + target.namespace()));
  }

  /** gcr.io, then {@code hosts} in their order, each once: the registries whose pulls go to this mirror. */
  public List<String> mirroredHosts() {
    LinkedHashSet<String> all = new LinkedHashSet<>();
    all.add(ALWAYS_MIRRORED);
    all.addAll(hosts);
    return List.copyOf(all);
  }

  /**
   * Where pushed images land: {@code https://HOST:PORT/v2/NS} is {@code HOST:PORT/NS}, as containerd
   * resolves the mirror; {@code /v2} alone or no path is the registry's root.
   */
  public MirrorTarget target() {
    String path = endpoint.getRawPath() == null ? "" : endpoint.getRawPath().replaceAll("/+$", "");
    String namespace;
    if (path.isEmpty() || path.equals("/v2")) {
      namespace = "";
    } else if (path.startsWith("/v2/")) {
      namespace = path.substring("/v2/".length());
    } else {
      // containerd puts /v2 in front of the path itself, so bmctl asks for it before a namespace.
      throw new IllegalArgumentException("registry mirror endpoint " + endpoint + " has a namespace without /v2:"
          + " write " + endpoint.getScheme() + "://" + endpoint.getRawAuthority() + "/v2" + path);
    }
    try {
      return new MirrorTarget(endpoint.getRawAuthority(), namespace);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("registry mirror endpoint " + endpoint + " is not"
          + " https://HOST:PORT[/v2/NAMESPACE] with a namespace of lowercase letters, digits, '.', '_', '-', '/'", e);
    }
  }

  /** An {@code http://} endpoint: the mirror speaks plain HTTP, as {@code --insecure-http} allows. */
  public boolean plainHttp() {
    return endpoint.getScheme().toLowerCase(Locale.ROOT).equals("http");
  }

  private static boolean isHttpOrHttps(String scheme) {
    return scheme != null && (scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http"));
  }
}
