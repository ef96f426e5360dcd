package dev.mirrorseed.bundle;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The content of an xz stream as XZ Utils' {@code xz} decodes it, in a process of its own: liblzma
 * decodes about 1.6x as fast per core as the Java decoder, and a stream of many blocks on every core
 * (bench/xz.sh), but the pipes to and from it cost more than the Java decoder takes to copy out data
 * that xz could only store ({@link XzDecoder} chooses). The compressed bytes reach {@code xz} through
 * its stdin from a thread here that reads the given stream to its end, so whatever hashes that stream
 * still sees each byte once, and a nested archive is decoded as it streams, never from disk.
 *
 * <p>xz writes out what it decoded before any damage; the damage then fails the read where the
 * decoded bytes end, with xz's own words ("Compressed data is corrupt", "Unexpected end of input").
 */
final class SystemXzInputStream extends BulkReadInputStream {
  /** As much of xz's output as is read for its words: a line or two. */
  private static final int MAX_MESSAGE_BYTES = 4096;
  private static final long EXIT_WAIT_SECONDS = 10;

  private final Process xz;
  private final InputStream decoded;
  private final InputStream compressed;
  private final Thread feeder;
  /** Why the feeder stopped before the compressed stream's end: xz stopped reading, or the stream failed. */
  private volatile Throwable feedFailure;
  private boolean finished;
  private boolean closed;

  private SystemXzInputStream(Process xz, InputStream compressed) {
    this.xz = xz;
    this.decoded = xz.getInputStream();
    this.compressed = compressed;
    this.feeder = new Thread(this::feed, "mirrorseed-xz-feed");
    feeder.setDaemon(true);
    feeder.start();
  }

  /**
   * {@code compressed} decoded by {@code xz} on up to {@code threads} threads (0: one per core, which
   * only a stream of many blocks can use); closing the result stops the process and closes
   * {@code compressed}.
   *
   * @throws IOException when {@code xz} cannot be started
   */
  static InputStream decode(Path xz, InputStream compressed, int threads) throws IOException {
    ProcessBuilder command = new ProcessBuilder(xz.toString(), "--decompress", "--stdout", "--threads=" + threads);
    // xz's messages end up in ours: the same words whatever the user's locale.
    command.environment().put("LC_ALL", "C");
    return new SystemXzInputStream(command.start(), compressed);
  }

  /** The {@code xz} on PATH, if it is XZ Utils' own: looked for once, when the first xz stream is read. */
  static Optional<Path> onPath() {
    return OnPath.XZ;
  }

  private static final class OnPath {
    static final Optional<Path> XZ = find(Objects.requireNonNullElse(System.getenv("PATH"), ""));
  }

  /**
   * The first {@code xz} in {@code path} (a PATH value) this process may run, if it is XZ Utils': an
   * {@code xz} of BusyBox, as on Alpine, takes none of the options used here, and would fail every
   * bundle as damaged.
   */
  static Optional<Path> find(String path) {
    return Arrays.stream(path.split(File.pathSeparator))
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, "xz"))
        .filter(file -> Files.isRegularFile(file) && Files.isExecutable(file))
        .findFirst()
        .filter(SystemXzInputStream::isXzUtils);
  }

  private static boolean isXzUtils(Path xz) {
    try {
      Process version = new ProcessBuilder(xz.toString(), "--version").redirectErrorStream(true).start();
      version.getOutputStream().close();
      String said = new String(version.getInputStream().readNBytes(MAX_MESSAGE_BYTES), StandardCharsets.UTF_8);
      if (!version.waitFor(EXIT_WAIT_SECONDS, TimeUnit.SECONDS)) {
        version.destroyForcibly();
        return false;
      }
      return version.exitValue() == 0 && said.startsWith("xz (XZ Utils) ");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void feed() {
    try (OutputStream stdin = xz.getOutputStream()) {
      compressed.transferTo(stdin);
    } catch (IOException | RuntimeException | Error e) {
      // xz stopped reading (it failed, and says why) or the compressed stream failed: the reader
      // tells which once xz has exited.
      feedFailure = e;
    }
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (finished) {
      return -1;
    }
    int n = decoded.read(buffer, offset, length);
    if (n < 0) {
      finish();
    }
    return n;
  }

  /** At the end of xz's output: whether all went well, once xz has exited and the feeder has stopped. */
  private void finish() throws IOException {
    int exit;
    try {
      feeder.join();
      exit = xz.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while decoding the bundle");
    }
    finished = true;
    // A failure to read the compressed stream (an archive around this one is damaged) comes first:
    // xz only saw its input end early.
    if (feedFailure instanceof RuntimeException e) {
      throw e;
    }
    if (feedFailure instanceof Error e) {
      throw e;
    }
    if (exit != 0) {
      throw new IOException(xzSays(exit));
    }
    if (feedFailure instanceof IOException e) {
      throw e;
    }
  }

  /** xz's message without its "xz: (stdin): " prefix, e.g. "Compressed data is corrupt". */
  private String xzSays(int exit) throws IOException {
    byte[] stderr = xz.getErrorStream().readNBytes(MAX_MESSAGE_BYTES);
    String said = new String(stderr, StandardCharsets.UTF_8).lines()
        .map(line -> line.replaceFirst("^[^:]*xz: \\(stdin\\): ", ""))
        .filter(line -> !line.isBlank())
        .findFirst()
        .orElse("");
    return said.isEmpty() ? "xz exited with status " + exit : said;
  }

  /** Stops xz if it is still decoding, then closes the compressed stream once the feeder has let go of it. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (xz.isAlive()) {
      xz.destroyForcibly(); // its stdin then fails, which ends the feeder
    }
    boolean interrupted = false;
    try {
      feeder.join();
      xz.waitFor(EXIT_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    decoded.close();
    xz.getErrorStream().close();
    compressed.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
