package dev.mirrorseed.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;

/** Reads sizes as people write them: {@code 500M}, {@code 2GiB}, {@code 10GB}, {@code 1048576}. */
final class ByteSize implements ITypeConverter<Long> {
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?)(i?b?)", Pattern.CASE_INSENSITIVE);

  @Override
  public Long convert(String text) {
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a size: write e.g. 500M, 2GiB or 1048576");
    }
    String prefix = m.group(2).toLowerCase(Locale.ROOT);
    int power = prefix.isEmpty() ? 0 : "kmgt".indexOf(prefix) + 1;
    // K, M, G and KiB, MiB, GiB are binary, as tar and docker count; only an explicit "kB", "MB" is decimal.
    boolean decimal = m.group(3).equalsIgnoreCase("b") && !m.group(2).isEmpty();
    long unit = 1;
    for (int i = 0; i < power; i++) {
      unit = Math.multiplyExact(unit, decimal ? 1000 : 1024);
    }
    return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
  }
}
