package dev.mirrorseed.bundle;

/** The xz processes this JVM runs: what tells that XZ Utils' xz, not the Java decoder, decodes a stream. */
public final class XzProcesses {
  private XzProcesses() {}

  /** How many {@code xz} children of this process are running right now. */
  public static long running() {
    return ProcessHandle.current().children()
        .filter(ProcessHandle::isAlive)
        .filter(child -> child.info().command().map(command -> command.endsWith("/xz")).orElse(false))
        .count();
  }
}
