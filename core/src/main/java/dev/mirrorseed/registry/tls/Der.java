package dev.mirrorseed.registry.tls;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough ASN.1 DER to rewrap the two legacy private key forms (PKCS#1, SEC1) as PKCS#8, the only
 * form the JDK reads: encoding a TLV, and splitting a SEQUENCE into its elements.
 */
final class Der {
  static final int INTEGER = 0x02;
  static final int OCTET_STRING = 0x04;
  static final int NULL = 0x05;
  static final int OID = 0x06;
  static final int SEQUENCE = 0x30;
  /** {@code [0]} EXPLICIT, where SEC1 keeps the curve. */
  static final int CONTEXT_0 = 0xa0;

  /** One element: its tag and its whole encoding (tag, length and content). */
  record Element(int tag, byte[] encoded, int contentStart) {
    byte[] content() {
      byte[] content = new byte[encoded.length - contentStart];
      System.arraycopy(encoded, contentStart, content, 0, content.length);
      return content;
    }
  }

  private Der() {}

  static byte[] tlv(int tag, byte[]... contents) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] part : contents) {
      content.writeBytes(part);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int length = content.size();
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
      out.write(0x80 | bytes);
      for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
        out.write(length >>> shift);
      }
    }
    out.writeBytes(content.toByteArray());
    return out.toByteArray();
  }

  /** The elements inside the SEQUENCE {@code der}. */
  static List<Element> sequence(byte[] der) {
    Element outer = read(der, 0);
    if (outer.tag() != SEQUENCE) {
      throw new IllegalArgumentException("not a DER SEQUENCE");
    }
    byte[] content = outer.content();
    List<Element> elements = new ArrayList<>();
    for (int at = 0; at < content.length; at += elements.get(elements.size() - 1).encoded().length) {
      elements.add(read(content, at));
    }
    return elements;
  }

  private static Element read(byte[] der, int at) {
    if (at + 2 > der.length) {
      throw new IllegalArgumentException("truncated DER");
    }
    int tag = der[at] & 0xff;
    int length = der[at + 1] & 0xff;
    int header = 2;
    if (length >= 0x80) {
      int bytes = length & 0x7f;
      if (bytes == 0 || bytes > 3 || at + 2 + bytes > der.length) {
        throw new IllegalArgumentException("unsupported DER length");
      }
      length = 0;
      for (int i = 0; i < bytes; i++) {
        length = (length << 8) | (der[at + 2 + i] & 0xff);
      }
      header += bytes;
    }
    if (at + header + length > der.length) {
      throw new IllegalArgumentException("truncated DER");
    }
    byte[] encoded = new byte[header + length];
    System.arraycopy(der, at, encoded, 0, encoded.length);
    return new Element(tag, encoded, header);
  }
}
