package dev.mirrorseed.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the mirrorseed CLI in a JVM of its own, as users run it. Chosen over an injectable environment
 * for tests that need one (HTTPS_PROXY): the environment and the JVM-wide setting main makes for proxy
 * credentials are process state, which the JDK reads once per JVM; a child process tests exactly what
 * ships, and the production code keeps no seam that only tests use.
 */
final class CliProcess {
  private static final long TIMEOUT_MINUTES = 5;

  private CliProcess() {}

  /** {@code mirrorseed args...} with this JVM's environment, less any proxy variables, plus {@code environment}. */
  static CliRun run(Path work, Map<String, String> environment, String... args) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(List.of(java.toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        // Surefire puts the test classpath here even when it starts the fork from a manifest-only jar.
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    try {
      Files.createDirectories(work);
      Path out = work.resolve("cli.out");
      Path err = work.resolve("cli.err");
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      // A proxy set on the machine running the tests must not route the child's requests.
      builder.environment().keySet().removeIf(name -> name.toLowerCase(Locale.ROOT).endsWith("_proxy"));
      builder.environment().putAll(environment);
      Process process = builder.start();
      if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("mirrorseed " + String.join(" ", args) + " did not finish in "
            + TIMEOUT_MINUTES + " min; stderr: " + Files.readString(err));
      }
      return new CliRun(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run the CLI in a child JVM", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while the CLI ran", e);
    }
  }
}
