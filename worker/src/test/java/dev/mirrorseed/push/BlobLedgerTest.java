package dev.mirrorseed.push;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class BlobLedgerTest {
  private static final Digest LAYER = Digest.of("layer".getBytes(StandardCharsets.UTF_8));

  private final BlobLedger ledger = new BlobLedger();

  @Test
  void secondPusherWaitsForTheFirstThenMountsFromWhereItLanded() {
    BlobLedger.Claim first = ledger.tryClaim(LAYER, "ns/one").orElseThrow();

    assertThat(ledger.tryClaim(LAYER, "ns/two")).isEmpty();
    CompletableFuture<Void> sent = ledger.whenSent(LAYER);
    assertThat(sent).isNotDone();

    first.landed();
    first.close();

    assertThat(sent).isDone();
    assertThat(ledger.tryClaim(LAYER, "ns/two").orElseThrow().mountFrom()).hasValue("ns/one");
  }

  @Test
  void aSendThatFailedLeavesTheNextPusherToUpload() {
    ledger.tryClaim(LAYER, "ns/one").orElseThrow().close();

    assertThat(ledger.tryClaim(LAYER, "ns/two").orElseThrow().mountFrom()).isEmpty();
  }

  @Test
  void blobsFoundByHeadAreMountSources() {
    ledger.holds(LAYER, "ns/one");

    assertThat(ledger.tryClaim(LAYER, "ns/two").orElseThrow().mountFrom()).hasValue("ns/one");
  }

  @Test
  void aRepositoryNeverMountsFromItselfWhenItLostTheBlob() {
    ledger.holds(LAYER, "ns/one");

    assertThat(ledger.tryClaim(LAYER, "ns/one").orElseThrow().mountFrom()).isEmpty();
  }

  @Test
  void nobodySendingMeansNothingToWaitFor() {
    assertThat(ledger.whenSent(LAYER)).isDone();
  }
}
