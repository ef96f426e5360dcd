package dev.mirrorseed.broker;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** The settings of a one-node KRaft cluster (broker and controller in one process) used as a local queue. */
final class SingleNodeConfig {
  static final int NODE_ID = 1;
  static final String CONTROLLER_LISTENER = "CONTROLLER";
  static final String HOST = "127.0.0.1";

  /** How long a broker serves: one run, or the runs on its workspace, idle in between ({@code mirrorseed broker}). */
  enum Lifetime { ONE_RUN, KEPT_RUNNING }

  private SingleNodeConfig() {}

  /** {@code afterCrash}: the last broker on {@code logDir} died running ({@link EmbeddedKafka#startedAfterCrash}). */
  static Map<String, String> of(
      Path logDir, int brokerPort, int controllerPort, boolean afterCrash, Lifetime lifetime) {
    Map<String, String> props = new TreeMap<>();
    props.put("process.roles", "broker,controller");
    props.put("node.id", Integer.toString(NODE_ID));
    props.put("listeners",
        "PLAINTEXT://" + HOST + ":" + brokerPort + "," + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("controller.listener.names", CONTROLLER_LISTENER);
    props.put("controller.quorum.bootstrap.servers", HOST + ":" + controllerPort);
    props.put("log.dirs", logDir.toString());

    // Internal topics default to 3 replicas; with one broker, consumer groups and transactions then
    // hang with only a WARN. One partition each is plenty for one node and makes their creation quick.
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "1");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("transaction.state.log.num.partitions", "1");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("share.coordinator.state.topic.num.partitions", "1");
    props.put("default.replication.factor", "1");
    props.put("min.insync.replicas", "1");

    // A workspace is a durable local queue: records and committed offsets must outlive any pause
    // between runs (defaults: 7 days each).
    props.put("log.retention.ms", "-1");
    props.put("offsets.retention.minutes", Integer.toString(100 * 365 * 24 * 60));

    // A worker killed mid-transaction holds back every read_committed reader of the results partitions
    // it wrote to, until the broker aborts its transaction: look for timed-out ones every second
    // (default: every 10 s, on top of the workers' 10 s transaction timeout).
    props.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");

    // A starting broker is ready only once a heartbeat has told the controller it caught up with the
    // metadata log; heartbeats come every 2 s by default, so that wait alone was up to 2 s of every run.
    props.put("broker.heartbeat.interval.ms", "200");
    // A broker that died keeps its registration until its session times out, and the next broker on
    // the directory cannot register before: 9 s by default, the first 9 s of every run after a crash.
    // That run's sessions are ten heartbeats long; other runs keep the default, which rides out pauses.
    if (afterCrash) {
      props.put("broker.session.timeout.ms", "2000");
    }

    // A restarted broker replays its metadata log from the latest snapshot. Every run adds a few kB
    // (registrations, producer ids, a no-op record every 500 ms), and by default a snapshot comes only
    // after 20 MB, or after an hour of one process's uptime: short runs never reach either, and every
    // rerun replayed all runs before it (~0.3 s more after a hundred). Snapshot every 2 s instead:
    // the clock starts when the broker has loaded its metadata, so most warm runs of a few seconds
    // write one, of a few kB. Kafka prunes snapshots once a minute: keep the last minute's and the
    // latest, so a long run leaves at most a few dozen.
    props.put("metadata.log.max.snapshot.interval.ms", "2000");
    props.put("metadata.max.retention.ms", "60000");

    // A broker kept running idles most of its life, and the settings above for a quick run cost it CPU
    // the whole time: idle, it used 5.7-5.8 % of a core with them, and 3.2-3.3 % with a heartbeat a
    // second (not while sessions last 2 s, after a crash), the controller's no-op record in the metadata
    // log every 5 s instead of every 500 ms, and so a snapshot a minute (40 s measured from 20 s after
    // the start, two starts each). Its start (1.9-2.4 s) and stop (0.2-0.4 s) took as long as before.
    if (lifetime == Lifetime.KEPT_RUNNING) {
      if (!afterCrash) {
        props.put("broker.heartbeat.interval.ms", "1000");
      }
      props.put("metadata.max.idle.interval.ms", "5000");
      props.put("metadata.log.max.snapshot.interval.ms", "60000");
    }

    // Consumers join at once instead of waiting 3 s for more members that will never come.
    props.put("group.initial.rebalance.delay.ms", "0");
    // The cleaner's dedupe buffer defaults to 128 MiB of zero-filled heap; compaction here is tiny.
    props.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
    // The cleaner looks for logs to compact every 15 s by default: in 40 reruns of a few seconds with the
    // coordinators' logs rolling (CoordinatorLogRolling) it never cleaned one. Every 500 ms it does so
    // within the run that rolled them.
    props.put("log.cleaner.backoff.ms", "500");
    return props;
  }
}
