package dev.mirrorseed.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bytes per time bucket: each push's bytes spread over the time it took, none lost or made up. */
class ThroughputTest {
  private static final Instant T0 = Instant.parse("2026-11-24T22:30:00Z");

  @Test
  void aPushSpanningBucketsCountsInEachInProportion() {
    List<Throughput.Bucket> buckets = Throughput.of(List.of(
        new Throughput.Upload(T0, T0.plusSeconds(40), 40_000), new Throughput.Upload(T0, T0.plusSeconds(2), 1000)));

    assertThat(buckets.get(0).width()).isEqualTo(Duration.ofSeconds(1));
    assertThat(buckets).hasSize(41);
    assertThat(buckets.get(0).bytes()).isEqualTo(1000 + 500);
    assertThat(buckets.get(2).bytes()).isEqualTo(1000);
    assertThat(buckets.get(40).bytes()).isZero();
    assertThat(buckets.stream().mapToLong(Throughput.Bucket::bytes).sum()).isEqualTo(41_000);
    assertThat(buckets.get(0).bytesPerSecond()).isEqualTo(1500.0);
  }

  @Test
  void bucketsAreRoundAndAboutFortyWhateverTheRunsLength() {
    List<Throughput.Bucket> buckets = Throughput.of(List.of(
        new Throughput.Upload(T0.plusSeconds(7), T0.plusSeconds(3 * 3600), 1)));

    assertThat(buckets.get(0).width()).isEqualTo(Duration.ofMinutes(5));
    assertThat(buckets.get(0).start()).isEqualTo(T0);
    assertThat(buckets).hasSizeBetween(30, 40);
  }

  @Test
  void aPushThatTookNoTimeCountsWhereItEnded() {
    List<Throughput.Bucket> buckets = Throughput.of(List.of(new Throughput.Upload(T0, T0.plusSeconds(10), 100),
        new Throughput.Upload(T0.plusSeconds(5), T0.plusSeconds(5), 7)));

    assertThat(buckets.stream().mapToLong(Throughput.Bucket::bytes).sum()).isEqualTo(107);
  }

  @Test
  void noUploadsNoBuckets() {
    assertThat(Throughput.of(List.of())).isEmpty();
  }
}
