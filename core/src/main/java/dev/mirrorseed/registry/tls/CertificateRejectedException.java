package dev.mirrorseed.registry.tls;

import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A registry's certificate that this client refused, and why, in words a user can act on. Thrown by
 * the trust manager during the handshake, so it arrives as the cause of the JDK's
 * {@code SSLHandshakeException}. Never retriable: a certificate does not change between attempts.
 */
public final class CertificateRejectedException extends CertificateException {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_INSTANT.withZone(ZoneOffset.UTC);

  /** What was wrong with the certificate. */
  public enum Reason {
    /** No CA we trust signed it. */
    UNTRUSTED,
    /** Signed by a trusted CA, but not for the host name or address we connected to. */
    NAME_MISMATCH,
    /** Its (or its CA's) validity ended. */
    EXPIRED,
    /** Its validity has not begun (a clock off, or a certificate issued for later). */
    NOT_YET_VALID
  }

  private final Reason reason;
  private final String fix;

  private CertificateRejectedException(Reason reason, String problem, String fix, Throwable cause) {
    super(problem, cause);
    this.reason = reason;
    this.fix = fix;
  }

  static CertificateRejectedException untrusted(X509Certificate leaf, String trustedBy, Throwable cause) {
    String issuer = leaf.getIssuerX500Principal().getName();
    boolean selfSigned = issuer.equals(leaf.getSubjectX500Principal().getName());
    return selfSigned
        ? new CertificateRejectedException(Reason.UNTRUSTED, "that is self-signed (" + issuer + ") and not in "
            + trustedBy, "trust that certificate itself with --cacert FILE", cause)
        : new CertificateRejectedException(Reason.UNTRUSTED, "not signed by " + trustedBy + " (its issuer is "
            + issuer + ")", "give the CA that signed it with --cacert FILE or --cert-dir DIR", cause);
  }

  static CertificateRejectedException nameMismatch(X509Certificate leaf, String host, Throwable cause) {
    return new CertificateRejectedException(Reason.NAME_MISMATCH, "for " + String.join(", ", names(leaf))
        + ", not for " + host, "use one of those names in --private-registry, or reissue the certificate with "
        + host + " among its subject alternative names", cause);
  }

  static CertificateRejectedException expired(X509Certificate expired, boolean isLeaf, Throwable cause) {
    String whose = isLeaf ? "that" : "whose CA certificate (" + expired.getSubjectX500Principal().getName() + ")";
    return new CertificateRejectedException(Reason.EXPIRED, whose + " expired at "
        + DAY.format(expired.getNotAfter().toInstant()),
        "renew the registry's certificate, or check this machine's clock", cause);
  }

  static CertificateRejectedException notYetValid(X509Certificate early, boolean isLeaf, Throwable cause) {
    String whose = isLeaf ? "that" : "whose CA certificate (" + early.getSubjectX500Principal().getName() + ")";
    return new CertificateRejectedException(Reason.NOT_YET_VALID, whose + " is not valid before "
        + DAY.format(early.getNotBefore().toInstant()), "check this machine's clock", cause);
  }

  public Reason reason() {
    return reason;
  }

  /** What the user can do about it, e.g. "give the CA that signed it with --cacert FILE". */
  public String fix() {
    return fix;
  }

  /** The DNS names and IP addresses the certificate is for; its common name when it has none. */
  private static List<String> names(X509Certificate certificate) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
      if (alternatives != null) {
        for (List<?> alternative : alternatives) {
          int type = (Integer) alternative.get(0);
          if (type == 2 || type == 7) { // dNSName, iPAddress
            names.add(String.valueOf(alternative.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // Fall back to the subject below.
    }
    if (names.isEmpty()) {
      names.add(certificate.getSubjectX500Principal().getName());
    }
    return names;
  }
}
