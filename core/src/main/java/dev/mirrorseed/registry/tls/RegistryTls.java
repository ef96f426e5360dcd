package dev.mirrorseed.registry.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS side of one registry client, built from a {@link TlsTrust}: an {@link SSLContext} of its own
 * (the JVM's default context and {@code javax.net.ssl.*} properties are never touched, so a CA given
 * for one registry is trusted for nothing else), and, for error messages, what it trusts and which
 * client certificates it can show.
 *
 * @param context trusts the system trust store plus the given CAs (or anything, with {@code --insecure})
 * @param trustedBy what it trusts, in the user's words, e.g. "--cacert ca.crt or the system trust store"
 * @param clientCertificates the {@code --cert-dir} client certificate files it may present
 */
public record RegistryTls(SSLContext context, String trustedBy, List<Path> clientCertificates) {
  // The key store lives in memory only, for the JDK's key manager; the password protects nothing.
  private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();

  /**
   * Reads the CA and client certificate files {@code trust} names.
   *
   * @throws IllegalArgumentException naming the file and the fix when one cannot be used
   */
  public static RegistryTls of(TlsTrust trust) {
    CertDir certDir = trust.certDir() == null ? new CertDir(List.of(), List.of()) : CertDir.read(trust.certDir());
    List<X509Certificate> cas = new ArrayList<>();
    List<String> sources = new ArrayList<>();
    if (trust.caCert() != null) {
      cas.addAll(Pem.certificates(trust.caCert(), "--cacert " + trust.caCert()));
      sources.add("--cacert " + trust.caCert());
    }
    if (!certDir.cas().isEmpty()) {
      cas.addAll(certDir.cas());
      sources.add("--cert-dir " + trust.certDir());
    }
    sources.add("the system trust store");
    try {
      TrustManager trustManager;
      String trustedBy;
      if (trust.insecure()) {
        trustManager = new TrustAnything();
        trustedBy = "anything (--insecure)";
      } else {
        List<X509ExtendedTrustManager> trustManagers = new ArrayList<>();
        trustManagers.add(pkix(null));
        if (!cas.isEmpty()) {
          trustManagers.add(pkix(cas));
        }
        trustedBy = String.join(" or ", sources);
        trustManager = new DiagnosingTrustManager(trustManagers, trustedBy);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers(certDir.clients()), new TrustManager[] {trustManager}, null);
      List<Path> clientFiles = certDir.clients().stream().map(CertDir.ClientIdentity::certificateFile).toList();
      return new RegistryTls(context, trustedBy, clientFiles);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /** A PKIX trust manager for {@code cas}, or for the system trust store when null. */
  private static X509ExtendedTrustManager pkix(List<X509Certificate> cas) throws GeneralSecurityException {
    KeyStore store = null;
    if (cas != null) {
      store = emptyStore();
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca-" + i, cas.get(i));
      }
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    for (TrustManager trustManager : factory.getTrustManagers()) {
      if (trustManager instanceof X509ExtendedTrustManager extended) {
        return extended;
      }
    }
    throw new GeneralSecurityException("no X509ExtendedTrustManager from " + factory.getAlgorithm());
  }

  private static KeyManager[] keyManagers(List<CertDir.ClientIdentity> clients) throws GeneralSecurityException {
    if (clients.isEmpty()) {
      return null;
    }
    KeyStore store = emptyStore();
    for (int i = 0; i < clients.size(); i++) {
      store.setKeyEntry("client-" + i, clients.get(i).key(), IN_MEMORY_PASSWORD, clients.get(i).chain());
    }
    // PKIX ("NewSunX509") picks, among several client certificates, one the server's CA list accepts.
    KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
    factory.init(store, IN_MEMORY_PASSWORD);
    return factory.getKeyManagers();
  }

  private static KeyStore emptyStore() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException("cannot create an in-memory key store", e);
    }
    return store;
  }
}
