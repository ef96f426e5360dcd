package dev.mirrorseed.report;

/** Durations as a person reads them: {@code 850 ms}, {@code 12.3 s}, {@code 4m05s}, {@code 1h02m}. */
public final class Durations {
  private Durations() {}

  public static String human(long millis) {
    if (millis < 1000) {
      return millis + " ms";
    }
    if (millis < 60_000) {
      return String.format("%.1f s", millis / 1000.0);
    }
    long seconds = millis / 1000;
    if (seconds < 3600) {
      return String.format("%dm%02ds", seconds / 60, seconds % 60);
    }
    return String.format("%dh%02dm", seconds / 3600, seconds % 3600 / 60);
  }
}
