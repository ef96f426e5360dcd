package dev.mirrorseed.registry.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM files as openssl writes them: labelled base64 blocks, with any text between them ignored. */
final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  /** One {@code -----BEGIN label-----} block: its label, whether it has RFC 1421 headers, its bytes. */
  record Block(String label, boolean encrypted, byte[] der) {}

  private Pem() {}

  static List<Block> blocks(Path file, String what) {
    String text = new String(read(file, what), StandardCharsets.US_ASCII);
    List<Block> blocks = new ArrayList<>();
    Matcher matcher = BLOCK.matcher(text);
    while (matcher.find()) {
      String body = matcher.group(2);
      // Legacy openssl encryption puts "Proc-Type: 4,ENCRYPTED" headers before the base64.
      boolean encrypted = body.contains("ENCRYPTED");
      byte[] der = encrypted ? new byte[0] : decode(body, file, what);
      blocks.add(new Block(matcher.group(1), encrypted, der));
    }
    return blocks;
  }

  /**
   * Every certificate in {@code file}: PEM blocks (bundles with comments between them included), or
   * one DER certificate.
   *
   * @param what how the user named the file in errors, e.g. {@code --cacert ca.crt}
   */
  static List<X509Certificate> certificates(Path file, String what) {
    List<X509Certificate> certificates = new ArrayList<>();
    for (Block block : blocks(file, what)) {
      if (block.label().equals("CERTIFICATE")) {
        certificates.add(certificate(block.der(), what));
      }
    }
    if (certificates.isEmpty()) {
      byte[] bytes = read(file, what);
      if (bytes.length > 0 && bytes[0] == 0x30) {
        return List.of(certificate(bytes, what));
      }
      throw new IllegalArgumentException(what + " holds no certificate: give PEM"
          + " (-----BEGIN CERTIFICATE-----) or DER X.509 certificates");
    }
    return certificates;
  }

  private static X509Certificate certificate(byte[] der, String what) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new IllegalArgumentException(what + " holds a certificate that cannot be read ("
          + e.getMessage() + "): check that the file is not damaged", e);
    }
  }

  private static byte[] decode(String base64, Path file, String what) {
    try {
      return Base64.getMimeDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " holds a PEM block that is not base64: check " + file, e);
    }
  }

  private static byte[] read(Path file, String what) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " cannot be read (" + e + "): check the path and its permissions", e);
    }
  }
}
