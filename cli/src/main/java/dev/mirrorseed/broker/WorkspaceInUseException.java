package dev.mirrorseed.broker;

import java.nio.file.Path;

/** Another process (or another broker in this JVM) already runs a broker on this directory. */
public final class WorkspaceInUseException extends RuntimeException {
  public WorkspaceInUseException(Path dir) {
    super("workspace " + dir + " is in use by another mirrorseed process");
  }
}
