package dev.mirrorseed.registry.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Accepts a server certificate that any of its PKIX trust managers accepts (the system trust store, the
 * user's CAs), host name check included; otherwise throws a {@link CertificateRejectedException} that
 * says why. The JDK's own messages ("PKIX path building failed") name neither the CA file nor the fix.
 */
final class DiagnosingTrustManager extends X509ExtendedTrustManager {
  private final List<X509ExtendedTrustManager> trustManagers;
  private final String trustedBy;

  /** @param trustedBy what the trust managers stand for, e.g. "--cacert ca.crt or the system trust store" */
  DiagnosingTrustManager(List<X509ExtendedTrustManager> trustManagers, String trustedBy) {
    this.trustManagers = List.copyOf(trustManagers);
    this.trustedBy = trustedBy;
  }

  @FunctionalInterface
  private interface Check {
    void run(X509ExtendedTrustManager trustManager) throws CertificateException;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, authType, engine == null ? null : engine.getPeerHost(),
        trustManager -> trustManager.checkServerTrusted(chain, authType, engine));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    String host = socket instanceof SSLSocket ssl && ssl.getHandshakeSession() != null
        ? ssl.getHandshakeSession().getPeerHost() : null;
    check(chain, authType, host, trustManager -> trustManager.checkServerTrusted(chain, authType, socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain, authType, null, trustManager -> trustManager.checkServerTrusted(chain, authType));
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return trustManagers.stream()
        .flatMap(trustManager -> Arrays.stream(trustManager.getAcceptedIssuers()))
        .toArray(X509Certificate[]::new);
  }

  private void check(X509Certificate[] chain, String authType, String host, Check check)
      throws CertificateException {
    CertificateException first = null;
    for (X509ExtendedTrustManager trustManager : trustManagers) {
      try {
        check.run(trustManager);
        return;
      } catch (CertificateException e) {
        first = first == null ? e : first;
      }
    }
    throw diagnose(chain, authType, host, first);
  }

  private CertificateRejectedException diagnose(
      X509Certificate[] chain, String authType, String host, CertificateException failure) {
    List<CertificateException> pathFailures = new ArrayList<>();
    for (X509ExtendedTrustManager trustManager : trustManagers) {
      try {
        // The two-argument check leaves the host name out: passing it means only the name was wrong.
        trustManager.checkServerTrusted(chain, authType);
        return CertificateRejectedException.nameMismatch(chain[0], host == null ? "this host" : host, failure);
      } catch (CertificateException e) {
        pathFailures.add(e);
      }
    }
    if (pathFailures.stream().anyMatch(DiagnosingTrustManager::isValidityFailure)) {
      for (int i = 0; i < chain.length; i++) {
        try {
          chain[i].checkValidity();
        } catch (CertificateExpiredException e) {
          return CertificateRejectedException.expired(chain[i], i == 0, failure);
        } catch (CertificateNotYetValidException e) {
          return CertificateRejectedException.notYetValid(chain[i], i == 0, failure);
        }
      }
    }
    return CertificateRejectedException.untrusted(chain[0], trustedBy, failure);
  }

  private static boolean isValidityFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("a registry client does not accept client certificates");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }
}
