package dev.mirrorseed.cli;

import dev.mirrorseed.events.Writer;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;

/** Names for runs and processes that a person can sort by time and trace to a machine. */
final class RunIds {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private RunIds() {}

  /** e.g. {@code 20261124-223015-3f9a}: sortable by start time, unique enough for concurrent runs. */
  static String next() {
    return STAMP.format(ZonedDateTime.now(ZoneOffset.UTC))
        + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
  }

  /** {@code host-pid}: which process wrote an event (see {@link Writer}). */
  static String processId() {
    return Writer.current().processId();
  }
}
