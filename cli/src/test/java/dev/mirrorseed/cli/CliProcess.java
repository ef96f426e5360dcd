package dev.mirrorseed.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The mirrorseed command as a child JVM on this test's class path, as an operator starts produce, work
 * and verify as processes of their own. Its stdout and stderr go to files, so a chatty child can never
 * block on a full pipe, and are read back whenever a test asks. Also the way to give the command an
 * environment (HTTPS_PROXY): the environment and the JVM-wide switch main sets for proxy credentials
 * are process state, so a child process tests exactly what ships, with no seam only tests use.
 */
final class CliProcess implements AutoCloseable {
  private final Process process;
  private final Path out;
  private final Path err;

  private CliProcess(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /** Starts {@code mirrorseed args...}; its output lands in {@code dir/name.out} and {@code dir/name.err}. */
  static CliProcess start(Path dir, String name, Map<String, String> env, String... args) {
    return startMain(dir, name, env, Main.class, args);
  }

  /**
   * Starts another main class of this test's class path the same way, e.g. the standalone Kafka broker
   * ({@code BrokerMain}) a test stops and restarts.
   */
  static CliProcess startMain(Path dir, String name, Map<String, String> env, Class<?> mainClass, String... args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), mainClass.getName()));
    command.addAll(List.of(args));
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    // A proxy set on the machine running the tests must not route the child's requests.
    builder.environment().keySet().removeIf(variable -> variable.toLowerCase(Locale.ROOT).endsWith("_proxy"));
    builder.environment().putAll(env);
    try {
      Files.createDirectories(dir);
      return new CliProcess(builder.start(), out, err);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  /** {@code args} (a command and its own flags) followed by {@code flags} every command of a test shares. */
  static String[] with(String[] flags, String... args) {
    return Stream.concat(Stream.of(args), Stream.of(flags)).toArray(String[]::new);
  }

  static CliProcess start(Path dir, String name, String... args) {
    return start(dir, name, Map.of(), args);
  }

  /** Runs {@code mirrorseed args...} to its end (at most 5 min) with {@code env} added to this JVM's. */
  static CliRun run(Path dir, Map<String, String> env, String... args) {
    try (CliProcess child = start(dir, "cli", env, args)) {
      int code = child.exitCode(Duration.ofMinutes(5));
      return new CliRun(code, child.out(), child.err());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while the CLI ran", e);
    }
  }

  long pid() {
    return process.pid();
  }

  String out() {
    return read(out);
  }

  String err() {
    return read(err);
  }

  /** Waits until the child has written {@code text} to stdout; fails if it exits or takes too long. */
  void awaitOut(String text, Duration timeout) throws InterruptedException {
    await(out, text, timeout);
  }

  /** Waits until the child has written {@code text} to stderr; fails if it exits or takes too long. */
  void awaitErr(String text, Duration timeout) throws InterruptedException {
    await(err, text, timeout);
  }

  private void await(Path output, String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!read(output).contains(text)) {
      if (!process.isAlive()) {
        throw new AssertionError("exited with " + process.exitValue() + " before printing '" + text + "': " + this);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("did not print '" + text + "' within " + timeout + ": " + this);
      }
      Thread.sleep(50);
    }
  }

  /** The exit status; fails if the child is still running after {@code timeout}. */
  int exitCode(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("still running after " + timeout + ": " + this);
    }
    return process.exitValue();
  }

  /** SIGTERM, as {@code docker stop} and systemd send. */
  void terminate() {
    process.destroy();
  }

  /** SIGKILL: no shutdown of any kind. */
  void kill() {
    process.destroyForcibly();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public String toString() {
    return "pid " + pid() + "\n--- stdout\n" + out() + "--- stderr\n" + err();
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
