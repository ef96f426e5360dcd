package dev.mirrorseed.registry;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Registry calls made side by side, each a round trip: behind a registry 20 ms away, looking up an
 * image's blobs one after another took a round trip per blob.
 */
public final class SideBySide {
  /**
   * Unbounded: the callers bound it (images checked at once times blobs per image); idle threads end
   * after a minute.
   */
  private static final ExecutorService THREADS = Executors.newCachedThreadPool(task -> {
    Thread thread = new Thread(task, "registry-call");
    thread.setDaemon(true);
    return thread;
  });

  private SideBySide() {}

  /** Starts {@code call} on a thread of its own. */
  public static <T> CompletableFuture<T> start(Supplier<T> call) {
    return CompletableFuture.supplyAsync(call, THREADS);
  }

  /**
   * The results of {@code calls}, in order, once every one has ended (see {@link #awaitAll}).
   */
  public static <T> List<T> joinAll(List<CompletableFuture<T>> calls) {
    awaitAll(calls);
    return calls.stream().map(CompletableFuture::join).toList();
  }

  /**
   * Returns once every one of {@code calls} has ended, failed ones too: none may go on after the work
   * that made it has ended. Throws what the first that failed threw.
   */
  public static void awaitAll(List<? extends CompletableFuture<?>> calls) {
    RuntimeException failure = null;
    for (CompletableFuture<?> call : calls) {
      try {
        call.join();
      } catch (CompletionException e) {
        failure = failure != null ? failure : unwrap(e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** What a call threw: a registry exception stays one, as callers tell them apart. */
  public static RuntimeException unwrap(CompletionException e) {
    if (e.getCause() instanceof RuntimeException cause) {
      return cause;
    }
    if (e.getCause() instanceof Error error) {
      throw error;
    }
    return e;
  }
}
