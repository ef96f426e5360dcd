package dev.mirrorseed.broker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.raft.DynamicVoters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Apache Kafka cluster (KRaft broker and controller) running inside this JVM, its log
 * under a directory of its own. Restarting on the same directory keeps topics, records and committed
 * offsets, so a workspace is a resumable local queue.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  /** Kafka's log (topics, metadata) lives here, below the directory the caller owns. */
  private static final String LOG_DIR = "kafka";
  /** Written by formatting; its absence means a fresh directory. */
  private static final String META_PROPERTIES = "meta.properties";
  /**
   * Beside the lock: written once a broker has stopped cleanly with nothing a dead process left in its
   * log, removed when the next one starts. A directory with a log but without it was left by a process
   * that died with its broker running; brokers started on it later leave it so until one's user has
   * cleared what that process left ({@link #deadClientsCleared}).
   */
  static final String STOPPED_CLEANLY = "broker.stopped";
  private static final Duration READY_WITHIN = Duration.ofSeconds(60);

  private final Path dataDir;
  private final WorkspaceLock lock;
  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final boolean afterCrash;
  private volatile boolean deadClientsCleared;
  private boolean closed;

  private EmbeddedKafka(
      Path dataDir, WorkspaceLock lock, KafkaRaftServer server, String bootstrapServers, boolean afterCrash) {
    this.dataDir = dataDir;
    this.lock = lock;
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.afterCrash = afterCrash;
  }

  /** Starts a broker on dataDir (formatting it on first use) with ports picked free on 127.0.0.1. */
  public static EmbeddedKafka start(Path dataDir) {
    return start(dataDir, 0);
  }

  /**
   * Starts a broker on dataDir listening on brokerPort (0 picks a free one); returns once a client
   * gets an answer from it.
   *
   * @throws WorkspaceInUseException if another broker already runs on dataDir
   * @throws BrokerFailedException if the broker does not start
   */
  public static EmbeddedKafka start(Path dataDir, int brokerPort) {
    return start(dataDir, brokerPort, SingleNodeConfig.Lifetime.ONE_RUN);
  }

  /** As {@link #start(Path, int)}, set for how long the broker serves (see {@link SingleNodeConfig}). */
  static EmbeddedKafka start(Path dataDir, int brokerPort, SingleNodeConfig.Lifetime lifetime) {
    Path dir = dataDir.toAbsolutePath().normalize();
    long startedAt = System.nanoTime();
    FatalExits.install();
    WorkspaceLock lock = WorkspaceLock.acquire(dir);
    KafkaRaftServer server = null;
    boolean started = false;
    try {
      Path logDir = dir.resolve(LOG_DIR);
      boolean afterCrash = holdsData(dir) && !Files.exists(dir.resolve(STOPPED_CLEANLY));
      Files.deleteIfExists(dir.resolve(STOPPED_CLEANLY));
      // Left by a `mirrorseed broker` that was killed: only a broker holding the lock may say where it is.
      Files.deleteIfExists(dir.resolve(RunningBroker.ADDRESS_FILE));
      int port = brokerPort == 0 ? freePort() : requireFree(brokerPort);
      Map<String, String> props = SingleNodeConfig.of(logDir, port, freePortOtherThan(port), afterCrash, lifetime);
      KafkaConfig config = new KafkaConfig(props);
      if (!Files.exists(logDir.resolve(META_PROPERTIES))) {
        format(config, logDir);
      }
      server = new KafkaRaftServer(config, Time.SYSTEM);
      server.startup();
      String bootstrap = SingleNodeConfig.HOST + ":" + port;
      awaitReady(bootstrap);
      LOG.debug("kafka started at {} on {} in {} ms", bootstrap, dir,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt));
      EmbeddedKafka kafka = new EmbeddedKafka(dir, lock, server, bootstrap, afterCrash);
      started = true;
      return kafka;
    } catch (BrokerFailedException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new BrokerFailedException("kafka broker on " + dir + " failed to start: " + e.getMessage(), e);
    } finally {
      if (!started) {
        stopQuietly(server);
        lock.close();
      }
    }
  }

  /** Whether a broker ever ran on {@code dataDir}: a report can be read from it. */
  public static boolean holdsData(Path dataDir) {
    return Files.exists(dataDir.resolve(LOG_DIR).resolve(META_PROPERTIES));
  }

  /**
   * Whether the process that ran the last broker on this directory died with it running (SIGKILL, a
   * lost machine): its clients' group memberships and transactions are still in the log.
   */
  public boolean startedAfterCrash() {
    return afterCrash;
  }

  /**
   * Says that what the dead process's clients left is gone, so a clean stop of this broker may mark the
   * directory as cleanly stopped. Until then it stays marked as after a crash, whoever else starts a
   * broker on it ({@code report}), and the next {@code push} still clears what is left.
   */
  public void deadClientsCleared() {
    deadClientsCleared = true;
  }

  /** host:port for clients' bootstrap.servers. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Stops the broker cleanly (its log is flushed and can be reopened) and releases the directory. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      CoordinatorLogRolling.ensure(dataDir.resolve(LOG_DIR), bootstrapServers);
      shutDown(server);
      if (!afterCrash || deadClientsCleared) {
        markStoppedCleanly();
      }
    } finally {
      lock.close();
    }
  }

  private void markStoppedCleanly() {
    try {
      Files.write(dataDir.resolve(STOPPED_CLEANLY), new byte[0]);
    } catch (IOException e) {
      // The next start takes this stop for a crash: that costs it a look for dead workers, nothing more.
      LOG.debug("cannot mark {} as stopped cleanly: {}", dataDir, e.toString());
    }
  }

  @Override
  public String toString() {
    return "EmbeddedKafka[" + bootstrapServers + ", " + dataDir + "]";
  }

  private static void format(KafkaConfig config, Path logDir) {
    try {
      Files.createDirectories(logDir);
      Formatter formatter = new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setNodeId(SingleNodeConfig.NODE_ID)
          .setClusterId(Uuid.randomUuid().toString())
          .setControllerListenerName(SingleNodeConfig.CONTROLLER_LISTENER)
          .setMetadataLogDirectory(config.metadataLogDir())
          // Like `kafka-storage format --standalone`: this node is the whole controller quorum. The
          // Formatter only writes the voter set when told the quorum is dynamic.
          .setInitialControllers(DynamicVoters.parse(SingleNodeConfig.NODE_ID + "@"
              + SingleNodeConfig.HOST + ":" + controllerPort(config) + ":" + Uuid.randomUuid()))
          .setHasDynamicQuorum(true);
      formatter.addDirectory(logDir.toString());
      formatter.run();
    } catch (Exception e) {
      throw new BrokerFailedException("cannot format kafka log directory " + logDir + ": " + e.getMessage(), e);
    }
  }

  private static int controllerPort(KafkaConfig config) {
    return config.controllerListeners().head().port();
  }

  private static void awaitReady(String bootstrap) {
    Map<String, Object> props = Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_WITHIN.toMillis());
    try (Admin admin = Admin.create(props)) {
      if (admin.describeCluster().nodes().get(READY_WITHIN.toMillis(), TimeUnit.MILLISECONDS).isEmpty()) {
        throw new BrokerFailedException("kafka broker at " + bootstrap + " reports no nodes");
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new BrokerFailedException("kafka broker at " + bootstrap + " did not answer within "
          + READY_WITHIN.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrokerFailedException("interrupted while waiting for kafka broker at " + bootstrap, e);
    }
  }

  // A listener on port 0 cannot be read back from KafkaRaftServer, so ports are chosen up front.
  private static int freePort() {
    try (ServerSocket socket = bind(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + SingleNodeConfig.HOST, e);
    }
  }

  /** The controller's port: a free one the broker's is not (the OS may hand a just-closed port out again). */
  private static int freePortOtherThan(int taken) {
    try (ServerSocket holdsTaken = bind(taken)) {
      return freePort();
    } catch (IOException e) {
      // The broker's port is in use already (by a racing process): any other free port will do.
      int port;
      do {
        port = freePort();
      } while (port == taken);
      return port;
    }
  }

  // Kafka reports a taken port with pages of stack traces from deep inside startup; say it in a line.
  private static int requireFree(int port) {
    try (ServerSocket socket = bind(port)) {
      return port;
    } catch (IOException e) {
      throw new BrokerFailedException("port " + port + " on " + SingleNodeConfig.HOST
          + " is already in use: choose another port");
    }
  }

  private static ServerSocket bind(int port) throws IOException {
    ServerSocket socket = new ServerSocket();
    try {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(SingleNodeConfig.HOST), port), 1);
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  private static void stopQuietly(KafkaRaftServer server) {
    if (server == null) {
      return;
    }
    try {
      shutDown(server);
    } catch (RuntimeException e) {
      LOG.warn("kafka broker did not stop cleanly after a failed start: {}", e.toString());
    }
  }

  /** Shuts {@code server} down and waits until it has, without waiting out its raft reaper's poll. */
  private static void shutDown(KafkaRaftServer server) {
    try (RaftReaperWakeup wakeup = RaftReaperWakeup.watch()) {
      server.shutdown();
      server.awaitShutdown();
    }
  }
}
