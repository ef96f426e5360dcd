package dev.mirrorseed.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Calls side by side: bounded, in order, and none left running when one failed. */
class SideBySideTest {
  @Test
  void callsRunAtOnceUpToTheBoundAndTheirResultsComeInOrder() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    List<CompletableFuture<Integer>> calls = IntStream.range(0, SideBySide.AT_ONCE + 8)
        .mapToObj(i -> SideBySide.start(() -> {
          most.accumulateAndGet(running.incrementAndGet(), Math::max);
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          running.decrementAndGet();
          return i;
        }))
        .toList();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (running.get() < SideBySide.AT_ONCE && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(100);

    assertThat(running.get()).as("running while all wait").isEqualTo(SideBySide.AT_ONCE);
    release.countDown();
    assertThat(SideBySide.joinAll(calls)).isEqualTo(IntStream.range(0, SideBySide.AT_ONCE + 8).boxed().toList());
    assertThat(most.get()).isEqualTo(SideBySide.AT_ONCE);
  }

  @Test
  void aFailedCallIsThrownAsItWasOnlyOnceEveryCallHasEnded() {
    AtomicBoolean slowEnded = new AtomicBoolean();
    RegistryException refused = new RegistryException("refused", 403, "DENIED", false, null, null);
    CompletableFuture<String> failing = SideBySide.start(() -> {
      throw refused;
    });
    CompletableFuture<String> slow = SideBySide.start(() -> {
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      slowEnded.set(true);
      return "slow";
    });

    assertThatThrownBy(() -> SideBySide.joinAll(List.of(failing, slow))).isSameAs(refused);
    assertThat(slowEnded).isTrue();
  }
}
