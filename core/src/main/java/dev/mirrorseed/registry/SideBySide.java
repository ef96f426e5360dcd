package dev.mirrorseed.registry;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Registry calls made side by side, each a round trip: behind a registry 20 ms away, looking up an
 * image's blobs one after another took a round trip per blob. A call must not wait for another made
 * here: they share {@link #AT_ONCE} threads.
 */
public final class SideBySide {
  /**
   * At most this many calls at once in a process (the rest queue): each holds a connection, and the
   * verifier's 16 images at once with an index of 40 layers each would otherwise ask for 600.
   */
  static final int AT_ONCE = 32;

  private static final ExecutorService THREADS = threads();

  private static ExecutorService threads() {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(AT_ONCE, AT_ONCE, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
        task -> {
          Thread thread = new Thread(task, "registry-call-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    // Idle threads end after a minute.
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private SideBySide() {}

  /** Starts {@code call} on one of the shared threads, or queues it while all are busy. */
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
