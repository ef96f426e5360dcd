package dev.mirrorseed.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** A time axis of a chart: where an instant falls in pixels, and round steps for ticks and buckets. */
record TimeScale(long fromMillis, long toMillis, double x, double width) {
  /** Round durations in milliseconds, from 100 ms to a day. */
  private static final long[] STEPS = {100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000,
      300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000};
  static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  /** A scale over {@code [from, to]} drawn from {@code x} for {@code width} pixels; an empty span is 1 s. */
  static TimeScale over(Instant from, Instant to, double x, double width) {
    long start = from.toEpochMilli();
    return new TimeScale(start, Math.max(to.toEpochMilli(), start + 1000), x, width);
  }

  double at(Instant instant) {
    return x + (instant.toEpochMilli() - fromMillis) * width / (toMillis - fromMillis);
  }

  /** A tick every this many milliseconds gives about six ticks. */
  long tickStep() {
    return niceStep((toMillis - fromMillis) / 6.0);
  }

  /** The smallest round step of at least {@code millis}. */
  static long niceStep(double millis) {
    for (long step : STEPS) {
      if (step >= millis) {
        return step;
      }
    }
    return STEPS[STEPS.length - 1] * (long) Math.ceil(millis / STEPS[STEPS.length - 1]);
  }
}
