package dev.mirrorseed.report;

/**
 * Text made safe for an HTML page, in element content and in double-quoted attributes alike. Every
 * string a report takes from events goes through here: image names come from bundles and error
 * messages from registries, and either may hold markup.
 */
final class Html {
  private Html() {}

  static String text(Object value) {
    if (value == null) {
      return "";
    }
    String text = value.toString();
    StringBuilder out = new StringBuilder(text.length() + 16);
    text.codePoints().forEach(c -> {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          // Control characters other than tab and newline have no place in a page and no safe form.
          if (Character.isISOControl(c) && c != '\t' && c != '\n') {
            out.append('\uFFFD');
          } else {
            out.appendCodePoint(c);
          }
        }
      }
    });
    return out.toString();
  }
}
