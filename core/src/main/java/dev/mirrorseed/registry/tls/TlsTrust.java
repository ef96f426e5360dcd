package dev.mirrorseed.registry.tls;

import java.nio.file.Path;

/**
 * What TLS trusts for one registry, as skopeo and containerd take it: a CA file ({@code --cacert}), a
 * certs.d-style directory ({@code --cert-dir}: {@code *.crt} CAs, client {@code *.cert}/{@code *.key}
 * for mutual TLS), or, only when asked for by name, nothing ({@code --insecure}). Never JVM-wide.
 *
 * @param caCert a PEM file of CA certificates trusted in addition to the system's; null for none
 * @param certDir a directory in certs.d style; null for none
 * @param insecure skip certificate verification entirely
 */
public record TlsTrust(Path caCert, Path certDir, boolean insecure) {
  /** The JVM's default trust store and no client certificate. */
  public static TlsTrust system() {
    return new TlsTrust(null, null, false);
  }

  /**
   * True when certificates were given: the user expects https, even to a registry on loopback.
   * ({@code --insecure} alone does not say so: like skopeo's {@code --tls-verify=false} it is also
   * what people pass for a plain-HTTP registry.)
   */
  public boolean namesCertificates() {
    return caCert != null || certDir != null;
  }
}
