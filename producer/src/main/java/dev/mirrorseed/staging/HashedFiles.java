package dev.mirrorseed.staging;

import dev.mirrorseed.oci.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The blob files of a layout used in place that an earlier run hashed, so that a rerun on the same
 * workspace need not read a gigabyte of unchanged blobs again. A file is taken as unchanged while its
 * size, modification time, status-change time and inode are what they were when it was hashed (as
 * git's index decides): any write moves the status-change time, which only the kernel sets.
 *
 * <p>Whatever happens to the record, the worst case is hashing again; and a blob wrongly taken as
 * unchanged still cannot land under a wrong name, since the registry checks every upload against its
 * digest.
 */
public final class HashedFiles {
  private static final String HEADER = "mirrorseed hashed layout files 1";
  /** Younger files may still be changing within one tick of the file system's clock: hash them next time too. */
  private static final Duration SETTLED_AFTER = Duration.ofSeconds(1);
  private static final String FINGERPRINT_ATTRIBUTES = "unix:size,lastModifiedTime,ctime,dev,ino";

  /** Null for a run that remembers nothing. */
  private final Path record;
  private final Map<Path, Entry> earlier;
  /** Only files this run saw are written back, so the record never outgrows the bundle. */
  private final Map<Path, Entry> seen = new ConcurrentHashMap<>();
  private final AtomicInteger unchanged = new AtomicInteger();

  private record Entry(Digest digest, String fingerprint) {}

  private HashedFiles(Path record, Map<Path, Entry> earlier) {
    this.record = record;
    this.earlier = earlier;
  }

  /** Remembers nothing: every file is hashed. */
  public static HashedFiles none() {
    return new HashedFiles(null, Map.of());
  }

  /** What the earlier runs wrote to {@code record}; a missing or unreadable record is an empty one. */
  public static HashedFiles load(Path record) {
    Map<Path, Entry> entries = new ConcurrentHashMap<>();
    try {
      List<String> lines = Files.readAllLines(record, StandardCharsets.UTF_8);
      if (!lines.isEmpty() && lines.get(0).equals(HEADER)) {
        for (String line : lines.subList(1, lines.size())) {
          String[] fields = line.split(" ", 3);
          if (fields.length == 3) {
            entries.put(Path.of(fields[2]), new Entry(Digest.parse(fields[0]), fields[1]));
          }
        }
      }
    } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
      // No record yet, or one this version cannot read: the blobs are hashed as on a first run.
      entries.clear();
    }
    return new HashedFiles(record, entries);
  }

  /**
   * Whether {@code file}, whose fingerprint is {@code now} (from {@link #fingerprint}), is as it was when
   * an earlier run found it to hash to {@code digest}.
   */
  boolean unchanged(Path file, Digest digest, Optional<String> now) {
    Path key = key(file);
    Entry entry = earlier.get(key);
    if (entry == null || !entry.digest().equals(digest) || !now.equals(Optional.of(entry.fingerprint()))) {
      return false;
    }
    seen.put(key, entry);
    unchanged.incrementAndGet();
    return true;
  }

  /**
   * The file's fingerprint, taken once before it is looked up and hashed, so that a write during the
   * hashing shows next time; empty when the file changed too recently or the file system cannot tell.
   */
  Optional<String> fingerprint(Path file) {
    if (record == null) {
      return Optional.empty();
    }
    Map<String, Object> attributes;
    try {
      attributes = Files.readAttributes(file, FINGERPRINT_ATTRIBUTES);
    } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
      return Optional.empty();
    }
    FileTime modified = (FileTime) attributes.get("lastModifiedTime");
    FileTime changed = (FileTime) attributes.get("ctime");
    Instant settled = Instant.now().minus(SETTLED_AFTER);
    if (modified.toInstant().isAfter(settled) || changed.toInstant().isAfter(settled)) {
      return Optional.empty();
    }
    return Optional.of(attributes.get("size") + ":" + modified.to(TimeUnit.NANOSECONDS) + ":"
        + changed.to(TimeUnit.NANOSECONDS) + ":" + attributes.get("dev") + ":" + attributes.get("ino"));
  }

  /** {@code file} hashed to {@code digest}; {@code before} is its fingerprint from before the hashing. */
  void hashed(Path file, Digest digest, Optional<String> before) {
    before.ifPresent(fingerprint -> seen.put(key(file), new Entry(digest, fingerprint)));
  }

  /** How the record names a file: looked up and written under the same name, however the run reached it. */
  private static Path key(Path file) {
    return file.toAbsolutePath().normalize();
  }

  /** Files this run took as unchanged instead of hashing them. */
  public int unchangedCount() {
    return unchanged.get();
  }

  /**
   * Writes the files this run hashed or found unchanged over the record, atomically. Nothing is
   * written where the record's directory does not exist: a command that has no workspace gets none.
   */
  public void save() {
    if (record == null || !Files.isDirectory(record.toAbsolutePath().getParent())) {
      return;
    }
    List<String> lines = new ArrayList<>(seen.size() + 1);
    lines.add(HEADER);
    seen.forEach((file, entry) -> lines.add(entry.digest() + " " + entry.fingerprint() + " " + file));
    Path temp = record.resolveSibling(record.getFileName() + ".partial");
    try {
      Files.write(temp, lines, StandardCharsets.UTF_8);
      Files.move(temp, record, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      // Only a saving for the next run is lost: it hashes again. A workspace that cannot be written
      // fails the run loudly elsewhere (the broker's data lives there too).
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // Nothing reads a leftover .partial.
      }
    }
  }
}
