package dev.mirrorseed.events;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The process that wrote an event, for the audit trail: the host it ran on, its process id there, and
 * {@code processId}, {@code host-pid}, which also begins the id of every worker of the process
 * ({@code host-pid-w1}), so results and the process that wrote them can be matched. Events written
 * before this existed carry none: their {@code writer} is null.
 */
public record Writer(String host, long pid, String processId) {
  /** This process, worked out once: every event it writes names the same writer. */
  public static Writer current() {
    return ThisProcess.WRITER;
  }

  static Writer of(String host, long pid) {
    return new Writer(host, pid, host + "-" + pid);
  }

  private static final class ThisProcess {
    static final Writer WRITER = of(hostName(), ProcessHandle.current().pid());

    private static String hostName() {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        return "unknown-host";
      }
    }
  }
}
