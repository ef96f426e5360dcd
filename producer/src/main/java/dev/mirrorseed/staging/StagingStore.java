package dev.mirrorseed.staging;

import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.UUID;

/**
 * The content-addressed store workers read blobs from: an OCI image layout ({@code blobs/sha256/<hex>}).
 * A blob only ever appears under its name complete and hash-checked: it is written to a temp file,
 * hashed on the way, and renamed into place when it matches. Renames are atomic, so two threads
 * storing the same blob both succeed and readers never see half a file.
 */
public final class StagingStore {
  private static final int BUFFER_BYTES = 1 << 20;
  private static final String OCI_LAYOUT = "{\"imageLayoutVersion\":\"1.0.0\"}";

  private final Path root;
  private final Path blobs;
  /** Beside blobs/, not in it, so a crash never leaves a partial file where a blob is looked up. */
  private final Path ingest;
  private final HashedFiles hashed;

  private StagingStore(Path root, HashedFiles hashed) {
    this.root = root;
    this.blobs = root.resolve("blobs").resolve(Digest.ALGORITHM);
    this.ingest = root.resolve(".ingest");
    this.hashed = hashed;
  }

  /** A store in {@code root}, creating the directory and its {@code oci-layout} file if missing. */
  public static StagingStore create(Path root) {
    StagingStore store = new StagingStore(root, HashedFiles.none());
    try {
      Files.createDirectories(store.blobs);
      Path layoutFile = root.resolve("oci-layout");
      if (!Files.exists(layoutFile)) {
        Files.writeString(layoutFile, OCI_LAYOUT);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create staging directory " + root + ": " + e.getMessage(), e);
    }
    return store;
  }

  /** An existing layout used as it is: nothing is written, so a read-only bundle directory works. */
  public static StagingStore inPlace(Path layoutDir) {
    return inPlace(layoutDir, HashedFiles.none());
  }

  /** As {@link #inPlace(Path)}, not hashing again the blobs {@code hashed} knows unchanged. */
  public static StagingStore inPlace(Path layoutDir, HashedFiles hashed) {
    return new StagingStore(layoutDir, hashed);
  }

  public Path root() {
    return root;
  }

  public Path blobPath(Digest digest) {
    return blobs.resolve(digest.hex());
  }

  /**
   * Whether the blob is stored with this size. Content is not re-hashed: a created store only gets
   * blobs through {@link #put}, and the planner hashes the blobs of a layout used in place.
   */
  public boolean contains(Digest digest, long size) {
    Path path = blobPath(digest);
    try {
      return Files.isRegularFile(path) && Files.size(path) == size;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Stores the content {@code in} holds up to its end (the stream is not closed).
   *
   * @throws BlobMismatchException when the content's size or sha256 is not the expected one; nothing
   *     is stored then
   */
  public Digest put(InputStream in, Descriptor expected) {
    Digest digest = expected.digest();
    Path temp = ingest.resolve(digest.hex() + "-" + UUID.randomUUID() + ".partial");
    try {
      Hashed content = copyToTemp(in, temp, bufferFor(expected.size()), expected);
      requireMatch(expected, content.size(), content.digest(), "its content");
      moveIntoPlace(temp, expected);
      return digest;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store blob " + digest + " in " + root + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(temp);
    }
  }

  /**
   * Stores content whose digest is not known beforehand (a docker-save layer, a manifest built here):
   * its sha256 names it. The stream is read to its end and not closed.
   */
  public Descriptor add(InputStream in, String mediaType) {
    Path temp = ingest.resolve("unnamed-" + UUID.randomUUID() + ".partial");
    try {
      Hashed content = copyToTemp(in, temp, BUFFER_BYTES, null);
      Descriptor stored = new Descriptor(mediaType, content.digest(), content.size());
      if (!contains(stored.digest(), stored.size())) {
        moveIntoPlace(temp, stored);
      }
      return stored;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store a blob in " + root + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(temp);
    }
  }

  public Descriptor add(byte[] content, String mediaType) {
    return add(new ByteArrayInputStream(content), mediaType);
  }

  /**
   * Hashes a stored blob, for layouts this store did not write itself, unless an earlier run hashed
   * it and the file has not changed since.
   *
   * @throws BlobMismatchException naming the blob and its file when size or sha256 differ
   */
  public void verify(Descriptor expected) {
    Path path = blobPath(expected.digest());
    Optional<String> before = hashed.fingerprint(path);
    if (hashed.unchanged(path, expected.digest(), before)) {
      return;
    }
    Hashed content;
    try (InputStream in = Files.newInputStream(path)) {
      content = hash(in, OutputStream.nullOutputStream(), BUFFER_BYTES, null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read blob file " + path + ": " + e.getMessage(), e);
    }
    requireMatch(expected, content.size(), content.digest(), "file " + path);
    hashed.hashed(path, expected.digest(), before);
  }

  /** What hashing a stream found: its length and sha256. */
  private record Hashed(long size, Digest digest) {}

  private Hashed copyToTemp(InputStream in, Path temp, int bufferBytes, Descriptor expected) throws IOException {
    Files.createDirectories(ingest);
    Files.createDirectories(blobs);
    try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW)) {
      return hash(in, out, bufferBytes, expected);
    }
  }

  /**
   * Reads {@code in} to its end, writing it to {@code out} and hashing it on the way: the one pass every
   * blob gets. With {@code expected}, content longer than it stops at the first excess byte.
   */
  private static Hashed hash(InputStream in, OutputStream out, int bufferBytes, Descriptor expected)
      throws IOException {
    MessageDigest sha256 = Digest.newHasher();
    byte[] buffer = new byte[bufferBytes];
    long size = 0;
    for (int n; (n = in.read(buffer)) >= 0; ) {
      size += n;
      if (expected != null && size > expected.size()) {
        throw new BlobMismatchException(
            "blob " + expected.digest() + " is longer than the expected " + expected.size() + " bytes");
      }
      sha256.update(buffer, 0, n);
      out.write(buffer, 0, n);
    }
    return new Hashed(size, Digest.fromHash(sha256.digest()));
  }

  /** Small blobs (most configs and manifests) need no megabyte of buffer each; one more byte shows excess. */
  private static int bufferFor(long expectedSize) {
    return (int) Math.max(8 * 1024, Math.min(BUFFER_BYTES, expectedSize + 1));
  }

  private static void requireMatch(Descriptor expected, long size, Digest actual, String what) {
    if (size != expected.size()) {
      throw new BlobMismatchException(
          "blob " + expected.digest() + ": " + what + " has " + size + " bytes, expected " + expected.size());
    }
    if (!actual.equals(expected.digest())) {
      throw new BlobMismatchException("blob " + expected.digest() + ": " + what + " hashes to " + actual);
    }
  }

  private void moveIntoPlace(Path temp, Descriptor expected) throws IOException {
    try {
      Files.move(temp, blobPath(expected.digest()), StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
      // Where rename cannot replace (Windows), another writer got there first; its copy is as good.
      if (!contains(expected.digest(), expected.size())) {
        throw e;
      }
    }
  }

  private static void deleteQuietly(Path temp) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      // The temp file lives outside blobs/, where it can do no harm; the original error matters more.
    }
  }
}
