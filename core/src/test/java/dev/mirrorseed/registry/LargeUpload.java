package dev.mirrorseed.registry;

import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.MediaTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Uploads one blob in a separate JVM with a small heap, so a test can show that upload memory does not
 * grow with blob size: allocation counters in the test's own JVM vary with thread scheduling.
 */
final class LargeUpload {
  private LargeUpload() {}

  /** Runs the upload in a child JVM with {@code heapOption}; returns what its client counted as uploaded. */
  static String runWithHeap(String heapOption, String hostPort, String repository, TestBlob blob)
      throws IOException, InterruptedException {
    return runWithHeap(heapOption, hostPort, repository, blob, 0);
  }

  /** The same, in PATCH chunks of {@code chunkBytes} (0: one request). */
  static String runWithHeap(String heapOption, String hostPort, String repository, TestBlob blob, long chunkBytes)
      throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child = new ProcessBuilder(List.of(java.toString(), heapOption, "-cp", System.getProperty("java.class.path"),
            LargeUpload.class.getName(), hostPort, repository, blob.descriptor().digest().toString(),
            Long.toString(blob.descriptor().size()), blob.file().toString(), Long.toString(chunkBytes)))
        .redirectErrorStream(true)
        .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!child.waitFor(60, TimeUnit.SECONDS) || child.exitValue() != 0) {
      child.destroyForcibly();
      throw new AssertionError("upload in a " + heapOption + " JVM failed: " + output);
    }
    return output;
  }

  public static void main(String[] args) {
    Descriptor blob = new Descriptor(MediaTypes.OCI_LAYER_TAR, Digest.parse(args[2]), Long.parseLong(args[3]));
    RegistryAccess access = TestAccess.chunked(Long.parseLong(args[5]));
    try (RegistryClient client = new RegistryClient(RegistryEndpoint.of(args[0], false), access)) {
      client.uploadBlob(args[1], blob, Path.of(args[4]));
      System.out.print(client.bytesUploaded());
    }
  }
}
