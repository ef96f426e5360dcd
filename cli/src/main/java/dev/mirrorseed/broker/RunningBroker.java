package dev.mirrorseed.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A workspace's broker kept running between pushes ({@code mirrorseed broker}): it leaves its address
 * in the workspace, so a {@code push} or {@code report} on that workspace uses it instead of starting
 * a broker of its own, and skips the broker's start and stop, which a rerun that finds everything
 * in place spends much of its time waiting for.
 */
public final class RunningBroker implements AutoCloseable {
  static final String ADDRESS_FILE = "broker.address";

  private final EmbeddedKafka kafka;
  private final Path addressFile;

  private RunningBroker(EmbeddedKafka kafka, Path addressFile) {
    this.kafka = kafka;
    this.addressFile = addressFile;
  }

  /** Starts the workspace's broker and leaves its address there, for the pushes and reports on it. */
  public static RunningBroker start(Path workspace, int port) {
    EmbeddedKafka kafka = EmbeddedKafka.start(workspace, port, SingleNodeConfig.Lifetime.KEPT_RUNNING);
    Path addressFile = workspace.toAbsolutePath().normalize().resolve(ADDRESS_FILE);
    try {
      Files.writeString(addressFile, kafka.bootstrapServers() + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      kafka.close();
      throw new UncheckedIOException("cannot write " + addressFile + ": " + e.getMessage(), e);
    }
    return new RunningBroker(kafka, addressFile);
  }

  /**
   * The address of the broker {@code mirrorseed broker} runs on {@code workspace}, if one does. The
   * address file of a broker that died is ignored: the workspace's lock went with its process.
   */
  public static Optional<String> on(Path workspace) {
    Path dir = workspace.toAbsolutePath().normalize();
    Path addressFile = dir.resolve(ADDRESS_FILE);
    if (!Files.isRegularFile(addressFile)) {
      return Optional.empty();
    }
    try (WorkspaceLock free = WorkspaceLock.acquire(dir)) {
      return Optional.empty();
    } catch (WorkspaceInUseException held) {
      try {
        String address = Files.readString(addressFile, StandardCharsets.UTF_8).strip();
        return address.isEmpty() ? Optional.empty() : Optional.of(address);
      } catch (IOException e) {
        // Gone meanwhile: its broker stopped.
        return Optional.empty();
      }
    }
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** Stops the broker cleanly; pushes on the workspace start their own again. */
  @Override
  public void close() {
    try {
      Files.deleteIfExists(addressFile);
    } catch (IOException e) {
      // Harmless: without the workspace's lock held, nobody reads it.
    }
    kafka.close();
  }
}
