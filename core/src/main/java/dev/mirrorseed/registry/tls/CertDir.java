package dev.mirrorseed.registry.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A certs.d-style directory as docker, containerd and skopeo's {@code --cert-dir} read it: every
 * {@code *.crt} holds CA certificates, and every {@code NAME.cert} is a client certificate whose key is
 * {@code NAME.key}. Like skopeo, a {@code .cert} without its {@code .key} (or the reverse) is an error:
 * silently dropping half a pair would only surface later as an obscure handshake failure.
 *
 * @param cas the CA certificates of every {@code *.crt}
 * @param clients the client certificates with their keys, in file name order
 */
record CertDir(List<X509Certificate> cas, List<ClientIdentity> clients) {
  /** A client certificate (with any intermediates after it in the file) and its private key. */
  record ClientIdentity(Path certificateFile, X509Certificate[] chain, PrivateKey key) {}

  static CertDir read(Path dir) {
    String flag = "--cert-dir " + dir;
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(flag + " is not a directory: give the directory holding *.crt, *.cert"
          + " and *.key files");
    }
    List<X509Certificate> cas = new ArrayList<>();
    List<ClientIdentity> clients = new ArrayList<>();
    for (Path file : files(dir, flag)) {
      String name = file.getFileName().toString();
      if (name.endsWith(".crt")) {
        cas.addAll(Pem.certificates(file, flag + ": " + name));
      } else if (name.endsWith(".cert")) {
        Path key = dir.resolve(stem(name) + ".key");
        if (!Files.exists(key)) {
          throw new IllegalArgumentException(flag + ": client certificate " + name + " has no " + key.getFileName()
              + " beside it: add its key, or name a CA certificate *.crt");
        }
        clients.add(client(file, key, flag));
      } else if (name.endsWith(".key") && !Files.exists(dir.resolve(stem(name) + ".cert"))) {
        throw new IllegalArgumentException(flag + ": key " + name + " has no " + stem(name) + ".cert beside it:"
            + " add the client certificate it belongs to, or remove the key");
      }
    }
    return new CertDir(List.copyOf(cas), List.copyOf(clients));
  }

  private static ClientIdentity client(Path certificateFile, Path keyFile, String flag) {
    String certName = flag + ": " + certificateFile.getFileName();
    String keyName = flag + ": " + keyFile.getFileName();
    X509Certificate[] chain = Pem.certificates(certificateFile, certName).toArray(X509Certificate[]::new);
    PrivateKey key = PrivateKeys.read(keyFile, keyName);
    if (!matches(key, chain[0])) {
      throw new IllegalArgumentException(keyName + " is not the key of " + certificateFile.getFileName()
          + ": put the key the certificate was issued for beside it");
    }
    return new ClientIdentity(certificateFile, chain, key);
  }

  /** Whether {@code key} signs what the certificate's public key verifies: a mismatched pair fails here, not in a handshake. */
  private static boolean matches(PrivateKey key, X509Certificate certificate) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "RSASSA-PSS" -> null;
      default -> key.getAlgorithm(); // Ed25519, Ed448
    };
    if (algorithm == null) {
      return true; // PSS needs parameters to sign with; the handshake will tell.
    }
    byte[] probe = new byte[32];
    new SecureRandom().nextBytes(probe);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false; // e.g. an EC key beside an RSA certificate
    }
  }

  private static List<Path> files(Path dir, String flag) {
    try (Stream<Path> listing = Files.list(dir)) {
      return listing.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new IllegalArgumentException(flag + " cannot be listed (" + e + "): check its permissions", e);
    }
  }

  private static String stem(String name) {
    return name.substring(0, name.lastIndexOf('.'));
  }
}
