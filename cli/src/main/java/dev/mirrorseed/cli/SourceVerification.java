package dev.mirrorseed.cli;

import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.plan.BrokenImage;
import dev.mirrorseed.plan.PlanListener;
import dev.mirrorseed.registry.RegistryClients;
import dev.mirrorseed.run.ImageOutcome;
import dev.mirrorseed.verify.Depth;
import dev.mirrorseed.verify.ImageVerifier;
import dev.mirrorseed.verify.RegistryReads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * {@code verify --source}: checks each image on the mirror as soon as the bundle reader has it, on a
 * few threads while the reading goes on, without Kafka. An image the bundle holds broken fails as it
 * would in a push. The first image that cannot be checked at all (registry unreachable, credentials
 * refused) stops the reading with that failure.
 */
final class SourceVerification implements PlanListener, AutoCloseable {
  /** Images checked at once: enough to overlap round trips, few enough to stay polite to the mirror. */
  static final int THREADS = 4;

  private final RegistryClients registries;
  private final RegistryReads reads;
  private final Depth depth;
  private final Consumer<ImageOutcome> onVerdict;
  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS, runnable -> {
    Thread thread = new Thread(runnable, "verify-source");
    thread.setDaemon(true);
    return thread;
  });
  private final List<CompletableFuture<ImageOutcome>> outcomes = new ArrayList<>();
  private volatile RuntimeException failure;

  SourceVerification(RegistryClients registries, RegistryReads reads, Depth depth, Consumer<ImageOutcome> onVerdict) {
    this.registries = registries;
    this.reads = reads;
    this.depth = depth;
    this.onVerdict = onVerdict;
  }

  @Override
  public void imageReady(ImageSpec image) {
    stopIfFailed();
    outcomes.add(CompletableFuture.supplyAsync(() -> {
      try {
        ImageVerifier verifier = new ImageVerifier(registries.forRegistry(image.targetRegistry()), reads, depth);
        return announced(ImageOutcome.of(image, verifier.verify(image), 0, null));
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
        throw e;
      }
    }, pool));
  }

  @Override
  public void imageBroken(BrokenImage image) {
    stopIfFailed();
    outcomes.add(CompletableFuture.completedFuture(
        announced(ImageOutcome.failedBefore(image.image(), "unreadable in the bundle: " + image.reason()))));
  }

  /** Every verdict, in bundle order, once all are in; the first failure to check an image is thrown. */
  List<ImageOutcome> await() {
    try {
      return outcomes.stream().map(CompletableFuture::join).toList();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }

  private ImageOutcome announced(ImageOutcome outcome) {
    onVerdict.accept(outcome);
    return outcome;
  }

  private void stopIfFailed() {
    if (failure != null) {
      throw failure;
    }
  }
}
