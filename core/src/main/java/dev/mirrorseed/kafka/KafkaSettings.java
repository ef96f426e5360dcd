package dev.mirrorseed.kafka;

import dev.mirrorseed.events.EventJson;
import dev.mirrorseed.events.Topics;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How every mirrorseed process talks to Kafka: one place for client settings, so producer, workers and
 * verifier agree on serialization, isolation and how long to wait for an unreachable cluster.
 */
public record KafkaSettings(String bootstrapServers, Topics topics) {
  /**
   * How long a process waits for a cluster at its start before it says so; short, because a run cannot
   * start without one. Every command checks the cluster this way ({@link TopicSetup}) before anything else.
   */
  public static final Duration UNREACHABLE_AFTER = Duration.ofSeconds(15);
  /**
   * How long a running producer or consumer waits for a cluster that went away (a broker restarting, a
   * leader moving) before it gives up. Much longer than {@link #UNREACHABLE_AFTER}: the cluster answered
   * at the start, so its absence now is most likely a restart, and a run that gives up leaves a partial
   * run behind (a producer without its RunPlanned) or a push to redo. Kafka's own delivery timeout.
   */
  public static final Duration RIDES_OUT = Duration.ofMinutes(2);
  /**
   * How long a worker's transaction (one result and one offset) may stay open before the broker aborts
   * it. Short: a worker killed mid-transaction holds back every read_committed reader of the partitions
   * it wrote to until then, and a healthy one commits within milliseconds.
   */
  public static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(10);

  public Properties admin() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) UNREACHABLE_AFTER.toMillis());
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) UNREACHABLE_AFTER.toMillis());
    return props;
  }

  /**
   * As {@link #admin()}, for calls the broker refuses while it is still busy with the matter (a fresh
   * partition, a transaction being aborted): the client asks again every {@code askAgainEvery} instead of
   * after 100 ms, doubling, which was most of such a call's time.
   */
  public Properties admin(Duration askAgainEvery) {
    Properties props = admin();
    props.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, (int) askAgainEvery.toMillis());
    props.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, (int) askAgainEvery.toMillis());
    return props;
  }

  /**
   * An idempotent producer of events; a send is complete only when every in-sync replica has it. Sends,
   * and transactional calls, wait out a broker restart ({@link #RIDES_OUT}): each would otherwise fail
   * once metadata or the transaction coordinator has been missing for {@code max.block.ms}.
   */
  public Properties producer(String clientId) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, RIDES_OUT.toMillis());
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) RIDES_OUT.toMillis());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, EventJson.EventSerializer.class);
    return props;
  }

  /**
   * A producer whose records become visible only when its transaction commits, together with the
   * consumer offsets sent in the same transaction. {@code transactionalId} must stay the same for the
   * same worker, so that a restarted worker fences its old self and aborts what it left open.
   */
  public Properties transactionalProducer(String clientId, String transactionalId) {
    Properties props = producer(clientId);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) TRANSACTION_TIMEOUT.toMillis());
    // A transaction begun right after the last one commits often finds the broker still writing that
    // one's markers and is told to retry (CONCURRENT_TRANSACTIONS): at the default 100 ms backoff that
    // was most of a commit. The backoff still doubles up to retry.backoff.max.ms (1 s) while it fails.
    props.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10);
    return props;
  }

  /**
   * A consumer that commits by hand and reads only committed records. One record per poll: a push can
   * take minutes, and the offset of each is committed alone once its result is written. Blocking calls
   * ({@code committed}, {@code endOffsets}, ...) wait out a broker restart ({@link #RIDES_OUT}): a worker
   * that cannot learn whether its last commit landed must not guess.
   */
  public Properties consumer(String groupId, String clientId) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    if (groupId != null) {
      props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
      // The classic protocol, tuned on the client side so it behaves the same on any cluster: a new
      // member is in the group within about a heartbeat (the KIP-848 protocol waits for the broker's
      // 5 s heartbeat interval before it hands partitions to a second member).
      props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
      // Members learn of a rebalance at their next heartbeat. A pool's workers join within ~30 ms of
      // each other, but one that comes just after the others formed the group rebalances it again,
      // twice with the cooperative assignor: at 500 ms that cost ~1 s in 3 of 16 warm pushes with the
      // broker kept running (workers joined 2.2-2.3 s after the JVM started instead of 1.1-1.4 s); at
      // 100 ms the latest join of 16 was at 1.7 s. Ten small requests a second per worker.
      props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 100);
      props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
      props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
          org.apache.kafka.clients.consumer.CooperativeStickyAssignor.class.getName());
    }
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    // How long the broker holds a fetch that finds nothing new. Closing a consumer waits for its fetch
    // in flight, so the default (500 ms) was up to half a second of every worker's and verifier's stop;
    // an idle consumer now asks ten times a second instead of twice, which is nothing to a broker.
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) RIDES_OUT.toMillis());
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, EventJson.EventDeserializer.class);
    return props;
  }
}
