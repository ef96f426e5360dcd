package dev.mirrorseed.registry.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;

/**
 * A private key from a PEM file in any of the forms openssl and cfssl write: PKCS#8
 * ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) and SEC1 ({@code EC PRIVATE KEY}). The JDK
 * reads PKCS#8 only; the other two are rewrapped as PKCS#8, which is what {@code openssl pkcs8 -topk8}
 * does.
 */
final class PrivateKeys {
  // rsaEncryption 1.2.840.113549.1.1.1 and id-ecPublicKey 1.2.840.10045.2.1, DER-encoded.
  private static final byte[] RSA_ENCRYPTION_OID =
      {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
  private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
  private static final byte[] VERSION_0 = {Der.INTEGER, 0x01, 0x00};
  private static final byte[] DER_NULL = {Der.NULL, 0x00};
  /** What a PKCS#8 key may be; tried in turn, since the JDK has a KeyFactory per algorithm. */
  private static final List<String> ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS");

  private PrivateKeys() {}

  /** @param what how errors name the file, e.g. {@code --cert-dir certs/client.key} */
  static PrivateKey read(Path file, String what) {
    for (Pem.Block block : Pem.blocks(file, what)) {
      if (block.encrypted() || block.label().equals("ENCRYPTED PRIVATE KEY")) {
        throw new IllegalArgumentException(what + " is encrypted: decrypt it first"
            + " (openssl pkey -in " + file.getFileName() + " -out plain.key)");
      }
      switch (block.label()) {
        case "PRIVATE KEY":
          return pkcs8(block.der(), what);
        case "RSA PRIVATE KEY":
          return pkcs8(Der.tlv(Der.SEQUENCE, VERSION_0, Der.tlv(Der.SEQUENCE, RSA_ENCRYPTION_OID, DER_NULL),
              Der.tlv(Der.OCTET_STRING, block.der())), what);
        case "EC PRIVATE KEY":
          return pkcs8(Der.tlv(Der.SEQUENCE, VERSION_0, Der.tlv(Der.SEQUENCE, EC_PUBLIC_KEY_OID, curve(block, what)),
              Der.tlv(Der.OCTET_STRING, block.der())), what);
        default:
          // Other blocks (EC PARAMETERS before an EC key, a certificate in the same file) are not keys.
      }
    }
    throw new IllegalArgumentException(what + " holds no private key: give a PEM key"
        + " (-----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY)");
  }

  /** The named curve a SEC1 key carries in its {@code [0]} parameters, as an encoded OID. */
  private static byte[] curve(Pem.Block sec1, String what) {
    try {
      for (Der.Element element : Der.sequence(sec1.der())) {
        if (element.tag() == Der.CONTEXT_0) {
          return element.content();
        }
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " holds a damaged EC PRIVATE KEY (" + e.getMessage() + ")", e);
    }
    throw new IllegalArgumentException(what + " holds an EC PRIVATE KEY without its curve: convert it to PKCS#8"
        + " (openssl pkcs8 -topk8 -nocrypt)");
  }

  private static PrivateKey pkcs8(byte[] der, String what) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException notThisAlgorithm) {
        // The next algorithm may read it.
      }
    }
    throw new IllegalArgumentException(what + " holds a private key of a kind this JVM cannot read"
        + " (not RSA, EC or EdDSA, or damaged)");
  }
}
