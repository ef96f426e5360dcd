package dev.mirrorseed.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.CorruptedInputException;
import org.tukaani.xz.SeekableXZInputStream;

/**
 * The content of an xz file of many blocks (as {@code xz -T0} writes them), each block decoded on a
 * core of its own and handed on strictly in order. One thread reads the raw file front to back, through
 * whatever hashes it, and passes each block's compressed bytes to the decoders; at most a few blocks
 * are held between that thread and the reader. The xz library checks each block against the index and
 * its check (CRC64, SHA-256) as it decodes the block's last byte; a damaged block fails the read where
 * the block starts, with the library's own exception, after every block before it was handed on.
 *
 * <p>{@link #open} declines a file whose blocks it cannot tell (a truncated one has no index at its
 * end): read sequentially, such damage is reported after every whole image before it.
 */
final class ParallelXzInputStream extends InputStream {
  /** {@code xz -T0} blocks are 3x the dictionary, 24 MiB at -6; -9's 192 MiB are decoded sequentially. */
  static final long MAX_BLOCK_BYTES = 64L << 20;
  /** Compressed plus decompressed bytes of the blocks between the file and the reader. */
  private static final long MAX_IN_FLIGHT_BYTES = 256L << 20;
  private static final int MAX_DECODERS = 8;

  /** A block read from the file, to be decoded into {@code decoded}. */
  private record Task(XzBlocks.Block block, byte[] compressed, CompletableFuture<byte[]> decoded) {}

  private final Path file;
  private final InputStream raw;
  private final XzBlocks blocks;
  /** One permit per block read from the file and not yet handed on whole: bounds the memory held. */
  private final Semaphore inFlight;
  private final BlockingQueue<Task> toDecode = new LinkedBlockingQueue<>();
  private final BlockingQueue<CompletableFuture<byte[]>> inOrder = new LinkedBlockingQueue<>();
  // Buffers are reused: a fresh 24 MiB array per block would keep the garbage collector busy.
  private final Queue<byte[]> freeCompressed = new ConcurrentLinkedQueue<>();
  private final Queue<byte[]> freeDecoded = new ConcurrentLinkedQueue<>();
  private final Thread feeder;
  private final List<Thread> decoders = new ArrayList<>();

  private byte[] current;
  private int currentLength;
  private int position;
  private int nextBlock;
  private Throwable failure;
  private boolean closed;

  private ParallelXzInputStream(Path file, InputStream raw, XzBlocks blocks, int decoderCount, int blocksInFlight) {
    this.file = file;
    this.raw = raw;
    this.blocks = blocks;
    this.inFlight = new Semaphore(blocksInFlight);
    feeder = daemon(this::feed, "mirrorseed-xz-read");
    for (int i = 0; i < decoderCount; i++) {
      decoders.add(daemon(this::decode, "mirrorseed-xz-decode-" + i));
    }
  }

  /** As {@link #open(Path, InputStream, int)} with a decoder per core, at most {@value #MAX_DECODERS}. */
  static Optional<InputStream> open(Path file, InputStream raw) {
    return open(file, raw, decodersPerCore());
  }

  /** Whether {@link #open(Path, InputStream)} decodes a file of {@code blocks} on more than one thread. */
  static boolean decodesInParallel(XzBlocks blocks) {
    return blocksInFlight(blocks, decodersPerCore()) > 0;
  }

  private static int decodersPerCore() {
    return Math.min(Runtime.getRuntime().availableProcessors(), MAX_DECODERS);
  }

  /**
   * {@code file}'s content decoded on up to {@code decoders} threads, or nothing when it is better read
   * sequentially: one block, blocks too big to hold a few of, or no index to tell the blocks by.
   * {@code raw} is {@code file}'s bytes from its start: every block's bytes are read from it, once and
   * in order, and it is left after the last block. Closing the result closes {@code raw}.
   */
  static Optional<InputStream> open(Path file, InputStream raw, int decoders) {
    XzBlocks blocks;
    try {
      blocks = XzBlocks.read(file);
    } catch (IOException e) {
      return Optional.empty(); // the sequential read reports it, where it is
    }
    int blocksInFlight = blocksInFlight(blocks, decoders);
    if (blocksInFlight == 0) {
      return Optional.empty();
    }
    int decoderCount = Math.max(1, Math.min(Math.min(decoders, blocksInFlight - 1), blocks.count()));
    return Optional.of(new ParallelXzInputStream(file, raw, blocks, decoderCount, blocksInFlight));
  }

  /**
   * How many blocks may be held at once between the file and the reader when {@code decoders} decode
   * them, within 256 MiB (less on a small heap); 0 when the file is better
   * read sequentially.
   */
  static int blocksInFlight(XzBlocks blocks, int decoders) {
    if (blocks.count() < 2 || !blocks.isOrdered() || blocks.largestBytes() > MAX_BLOCK_BYTES) {
      return 0;
    }
    long blockBytes = blocks.largestBytes() + blocks.largestCompressedBytes();
    long budget = Math.min(MAX_IN_FLIGHT_BYTES, Runtime.getRuntime().maxMemory() / 4);
    // One block being read by the caller, one per decoder, one waiting to be decoded.
    long held = Math.min(decoders + 2L, budget / blockBytes);
    return held < 2 ? 0 : (int) held;
  }

  /** Reads each block's bytes from the raw file in order, skipping (and so hashing) what lies between. */
  private void feed() {
    long offset = 0;
    try {
      for (XzBlocks.Block block : blocks.blocks()) {
        inFlight.acquire();
        CompletableFuture<byte[]> decoded = new CompletableFuture<>();
        inOrder.add(decoded);
        try {
          raw.skipNBytes(block.offset() - offset);
          byte[] compressed = buffer(freeCompressed, blocks.largestCompressedBytes());
          int length = (int) block.compressedBytes();
          if (raw.readNBytes(compressed, 0, length) < length) {
            throw new CorruptedInputException("XZ file ends inside block " + block.number());
          }
          offset = block.end();
          toDecode.add(new Task(block, compressed, decoded));
        } catch (IOException | RuntimeException e) {
          decoded.completeExceptionally(e);
          return;
        }
      }
    } catch (InterruptedException e) {
      // closed by the reader: nobody waits for more
    }
  }

  /** Decodes blocks as they come, each whole, until closed. */
  private void decode() {
    XzBlockWindow window = null;
    SeekableXZInputStream xz = null;
    try {
      while (true) {
        Task task = toDecode.take();
        try {
          if (xz == null) {
            window = new XzBlockWindow(file);
            xz = new SeekableXZInputStream(window, -1, true, BasicArrayCache.getInstance());
          }
          task.decoded().complete(decode(task, window, xz));
        } catch (IOException | RuntimeException | Error e) {
          task.decoded().completeExceptionally(e);
          // The library's stream keeps failing once it failed; a later block gets a fresh one.
          release(xz, window);
          xz = null;
          window = null;
        }
      }
    } catch (InterruptedException e) {
      // closed by the reader: nobody waits for more
    } finally {
      release(xz, window);
    }
  }

  private byte[] decode(Task task, XzBlockWindow window, SeekableXZInputStream xz) throws IOException {
    XzBlocks.Block block = task.block();
    window.show(block.offset(), task.compressed(), (int) block.compressedBytes());
    xz.seekToBlock(block.number());
    byte[] decoded = buffer(freeDecoded, blocks.largestBytes());
    // Reading the block's last byte makes the library read and verify its check.
    int length = xz.readNBytes(decoded, 0, (int) block.bytes());
    freeCompressed.add(task.compressed());
    if (length < block.bytes()) {
      throw new CorruptedInputException("XZ block " + block.number() + " ends before its index says");
    }
    return decoded;
  }

  @Override
  public int read() throws IOException {
    if (!hasBytes()) {
      return -1;
    }
    return current[position++] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    if (length == 0) {
      return 0;
    }
    if (!hasBytes()) {
      return -1;
    }
    int n = Math.min(length, currentLength - position);
    System.arraycopy(current, position, buffer, offset, n);
    position += n;
    return n;
  }

  @Override
  public int available() {
    return current == null ? 0 : currentLength - position;
  }

  /** Whether bytes are left, taking the next block (waiting for it to be decoded) when this one is done. */
  private boolean hasBytes() throws IOException {
    while (current == null || position == currentLength) {
      if (failure != null) {
        throw rethrow(failure);
      }
      if (current != null) {
        freeDecoded.add(current);
        current = null;
        inFlight.release();
      }
      if (nextBlock == blocks.count()) {
        awaitFeeder(); // it is done with the raw stream: the caller may read on there
        return false;
      }
      try {
        current = inOrder.take().get();
      } catch (ExecutionException e) {
        failure = e.getCause();
        throw rethrow(failure);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while decoding the bundle");
      }
      currentLength = (int) blocks.get(nextBlock++).bytes();
      position = 0;
    }
    return true;
  }

  /** Stops the threads, then closes the raw stream. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    feeder.interrupt();
    decoders.forEach(Thread::interrupt);
    boolean interrupted = false;
    for (Thread thread : threads()) {
      while (thread.isAlive()) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    raw.close();
  }

  private List<Thread> threads() {
    List<Thread> all = new ArrayList<>(decoders);
    all.add(feeder);
    return all;
  }

  private void awaitFeeder() throws InterruptedIOException {
    try {
      feeder.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while decoding the bundle");
    }
  }

  /** A reused buffer, or a new one: the permits bound how many exist. */
  private static byte[] buffer(Queue<byte[]> free, long size) {
    byte[] buffer = free.poll();
    return buffer != null ? buffer : new byte[(int) size];
  }

  private static void release(SeekableXZInputStream xz, XzBlockWindow window) {
    try {
      if (xz != null) {
        xz.close(); // closes the window too
      } else if (window != null) {
        window.close();
      }
    } catch (IOException e) {
      // a read-only file handle: nothing was lost
    }
  }

  private static Thread daemon(Runnable body, String name) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static IOException rethrow(Throwable failure) {
    if (failure instanceof IOException e) {
      return e;
    }
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    throw (Error) failure;
  }
}
