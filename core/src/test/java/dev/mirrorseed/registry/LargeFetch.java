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
 * Fetches and hashes one blob in a separate JVM with a small heap, so a test can show that download
 * memory does not grow with blob size (as {@link LargeUpload} does for uploads).
 */
final class LargeFetch {
  private LargeFetch() {}

  /** Runs the fetch in a child JVM with {@code heapOption}; returns {@code <digest> <size>} of what it read. */
  static String runWithHeap(String heapOption, String hostPort, String repository, TestBlob blob)
      throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child = new ProcessBuilder(List.of(java.toString(), heapOption, "-cp", System.getProperty("java.class.path"),
            LargeFetch.class.getName(), hostPort, repository, blob.descriptor().digest().toString(),
            Long.toString(blob.descriptor().size())))
        .redirectErrorStream(true)
        .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!child.waitFor(60, TimeUnit.SECONDS) || child.exitValue() != 0) {
      child.destroyForcibly();
      throw new AssertionError("fetch in a " + heapOption + " JVM failed: " + output);
    }
    return output;
  }

  public static void main(String[] args) {
    Descriptor blob = new Descriptor(MediaTypes.OCI_LAYER_TAR, Digest.parse(args[2]), Long.parseLong(args[3]));
    try (RegistryClient client = new RegistryClient(RegistryEndpoint.of(args[0], false))) {
      FetchedBlob fetched = client.fetchBlob(args[1], blob).orElseThrow();
      System.out.print(fetched.digest() + " " + fetched.size());
    }
  }
}
