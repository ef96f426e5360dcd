package dev.mirrorseed.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs on one workspace: each {@link #run} loads the record, checks the blob in place and saves it, as a push does. */
class HashedFilesTest {
  private static final byte[] CONTENT = "a layer of some size".getBytes();
  private static final Descriptor BLOB = new Descriptor("application/octet-stream", Digest.of(CONTENT), CONTENT.length);

  @TempDir Path temp;
  Path layout;
  Path record;

  @BeforeEach
  void writeLayout() {
    layout = temp.resolve("layout");
    StagingStore.create(layout).put(new ByteArrayInputStream(CONTENT), BLOB);
    record = temp.resolve("workspace/hashed-layout-files");
  }

  @Test
  void aBlobHashedByAnEarlierRunIsNotHashedAgainWhileItsFileIsUnchanged() throws Exception {
    waitUntilSettled();
    assertThat(run().unchangedCount()).as("first run").isZero();
    assertThat(record).content().contains(BLOB.digest().toString());

    assertThat(run().unchangedCount()).as("second run").isEqualTo(1);
    assertThat(run().unchangedCount()).as("third run: the second kept the record").isEqualTo(1);
  }

  @Test
  void aBlobRewrittenSinceItWasHashedIsHashedAgainAndRefused() throws Exception {
    waitUntilSettled();
    run();
    Path file = StagingStore.inPlace(layout).blobPath(BLOB.digest());
    FileTime modified = Files.getLastModifiedTime(file);
    // Same size, same modification time: only the status-change time, which no one can set, tells.
    Files.write(file, "a layer of sOme size".getBytes());
    Files.setLastModifiedTime(file, modified);
    waitUntilSettled();

    assertThatThrownBy(this::run)
        .isInstanceOf(BlobMismatchException.class)
        .hasMessageContaining("file " + file);
  }

  @Test
  void aFileWrittenWithinTheLastSecondIsHashedAgainNextTime() throws Exception {
    // It may still be being written within one tick of the file system's clock.
    run();

    assertThat(run().unchangedCount()).isZero();
  }

  @Test
  void anUnreadableRecordMeansHashingAgain() throws Exception {
    waitUntilSettled();
    run();
    Files.writeString(record, "mirrorseed hashed layout files 1\nnot-a-digest 1:2:3 " + layout + "\n");

    assertThat(run().unchangedCount()).isZero();
    assertThat(run().unchangedCount()).as("the run after rewrote the record").isEqualTo(1);
  }

  @Test
  void withoutAWorkspaceNothingIsWritten() throws Exception {
    waitUntilSettled();
    Path nowhere = temp.resolve("no-such-workspace/hashed-layout-files");
    HashedFiles hashed = HashedFiles.load(nowhere);
    StagingStore.inPlace(layout, hashed).verify(BLOB);
    hashed.save();

    assertThat(nowhere.getParent()).doesNotExist();
  }

  private HashedFiles run() throws Exception {
    Files.createDirectories(record.getParent());
    HashedFiles hashed = HashedFiles.load(record);
    StagingStore.inPlace(layout, hashed).verify(BLOB);
    hashed.save();
    return hashed;
  }

  /** Files younger than a second are never taken as unchanged. */
  private static void waitUntilSettled() throws InterruptedException {
    Thread.sleep(1_100);
  }
}
