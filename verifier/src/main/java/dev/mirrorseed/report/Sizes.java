package dev.mirrorseed.report;

/** Byte counts as a person reads them (decimal units, as registries and skopeo print them). */
public final class Sizes {
  private Sizes() {}

  public static String human(long bytes) {
    if (bytes < 1000) {
      return bytes + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1000 && unit < units.length - 1) {
      value /= 1000;
      unit++;
    }
    return String.format("%.1f %s", value, units[unit]);
  }
}
