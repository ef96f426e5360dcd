import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * For bench/scale.sh, run as a source file on the CLI's classpath:
 * {@code java -cp "cli/target/lib/*" bench/GroupSettled.java BOOTSTRAP GROUP MEMBERS}
 * waits until the consumer group is stable with MEMBERS members that each hold a partition, as
 * {@code push} waits for its own workers before it publishes: a run published into a group still
 * forming has pushes moved between workers mid-push, which would be timed as slowness. Exit 1 after 60 s.
 */
public class GroupSettled {
  public static void main(String[] args) throws Exception {
    String group = args[1];
    int members = Integer.parseInt(args[2]);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", args[0]))) {
      while (System.nanoTime() < deadline) {
        try {
          ConsumerGroupDescription description =
              admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
          long assigned = description.members().stream()
              .filter(member -> !member.assignment().topicPartitions().isEmpty()).count();
          if (description.groupState() == GroupState.STABLE && assigned >= members) {
            return;
          }
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof GroupIdNotFoundException)) {
            throw e;
          }
          // No member has joined yet.
        }
        Thread.sleep(200);
      }
    }
    System.err.println("group " + group + " did not settle with " + members + " members within 60 s");
    System.exit(1);
  }
}
