package dev.mirrorseed.report;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes uploaded per time bucket. A push's bytes are spread evenly over the time it took, so a long push
 * counts in every bucket it spans, as its bytes really crossed the wire; a push that took no time counts
 * where it ended. Bucket widths are round (1 s, 5 s, 1 min, ...), about {@link #TARGET_BUCKETS} of them.
 */
final class Throughput {
  static final int TARGET_BUCKETS = 40;

  /** One push: {@code bytes} uploaded between {@code start} and {@code end}. */
  record Upload(Instant start, Instant end, long bytes) {}

  /** {@code bytes} uploaded from {@code start} for {@code width}. */
  record Bucket(Instant start, Duration width, long bytes) {
    double bytesPerSecond() {
      return bytes / (width.toMillis() / 1000.0);
    }
  }

  private Throughput() {}

  /** The buckets from the first upload's start to the last one's end; none without uploads. */
  static List<Bucket> of(List<Upload> uploads) {
    if (uploads.isEmpty()) {
      return List.of();
    }
    long from = uploads.stream().mapToLong(u -> u.start().toEpochMilli()).min().orElseThrow();
    long to = uploads.stream().mapToLong(u -> u.end().toEpochMilli()).max().orElseThrow();
    long width = TimeScale.niceStep(Math.max(1, to - from) / (double) TARGET_BUCKETS);
    long first = Math.floorDiv(from, width) * width;
    int count = (int) (Math.floorDiv(to, width) - Math.floorDiv(from, width)) + 1;
    double[] bytes = new double[count];
    for (Upload upload : uploads) {
      long start = upload.start().toEpochMilli();
      long end = upload.end().toEpochMilli();
      if (end <= start) {
        bytes[(int) ((end - first) / width)] += upload.bytes();
        continue;
      }
      for (long bucket = Math.floorDiv(start, width) * width; bucket < end; bucket += width) {
        long overlap = Math.min(end, bucket + width) - Math.max(start, bucket);
        bytes[(int) ((bucket - first) / width)] += upload.bytes() * (double) overlap / (end - start);
      }
    }
    List<Bucket> buckets = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      buckets.add(new Bucket(Instant.ofEpochMilli(first + i * width), Duration.ofMillis(width), Math.round(bytes[i])));
    }
    return buckets;
  }
}
