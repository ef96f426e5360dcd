package dev.mirrorseed.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mirrorseed.fixtures.RegistryServer;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.MediaTypes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real distribution registry; each test pushes into its own repository. */
class RegistryClientTest {
  private static final long MIB = 1024 * 1024;
  private static final String SMALL_HEAP = "-Xmx32m";

  @TempDir Path dir;
  private RegistryClient client;
  private String repository;

  @BeforeEach
  void connect() {
    client = new RegistryClient(RegistryEndpoint.of(RegistryServer.shared().hostPort(), false));
    repository = "registry-client-test/" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  @AfterEach
  void disconnect() {
    client.close();
  }

  @Test
  void pingsARunningRegistry() {
    client.ping();
  }

  @Test
  void uploadsSmallBlobMonolithically() throws IOException {
    TestBlob blob = blob("layer.tar", "a small layer".getBytes(StandardCharsets.UTF_8));

    client.uploadBlob(repository, blob.descriptor(), blob.file());

    assertThat(client.blobSize(repository, blob.descriptor().digest())).hasValue(blob.descriptor().size());
    assertThat(client.bytesUploaded()).isEqualTo(blob.descriptor().size());
  }

  @Test
  void streamsLargeBlobInConstantMemory() throws Exception {
    TestBlob blob = TestBlob.random(dir.resolve("large.bin"), 64 * MIB, 42);

    // In a JVM whose whole heap is smaller than the blob, reading it into memory cannot work.
    String uploaded = LargeUpload.runWithHeap(SMALL_HEAP, RegistryServer.shared().hostPort(), repository, blob);

    assertThat(uploaded).isEqualTo(Long.toString(64 * MIB));
    assertThat(client.blobSize(repository, blob.descriptor().digest())).hasValue(64 * MIB);
  }

  @Test
  void fetchHashesTheBytesTheRegistryServes() throws IOException {
    TestBlob blob = blob("layer.tar", "a layer to read back".getBytes(StandardCharsets.UTF_8));
    client.uploadBlob(repository, blob.descriptor(), blob.file());

    assertThat(client.fetchBlob(repository, blob.descriptor()))
        .hasValue(new FetchedBlob(blob.descriptor().digest(), blob.descriptor().size()));
  }

  @Test
  void fetchOfAMissingBlobIsEmpty() {
    Descriptor absent = new Descriptor(MediaTypes.OCI_LAYER_TAR,
        Digest.of(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8)), 36);

    assertThat(client.fetchBlob(repository, absent)).isEmpty();
  }

  @Test
  void fetchesLargeBlobInConstantMemory() throws Exception {
    TestBlob blob = TestBlob.random(dir.resolve("large.bin"), 64 * MIB, 7);
    client.uploadBlob(repository, blob.descriptor(), blob.file());

    // In a JVM whose whole heap is smaller than the blob, reading it into memory cannot work.
    String fetched = LargeFetch.runWithHeap(SMALL_HEAP, RegistryServer.shared().hostPort(), repository, blob);

    assertThat(fetched).isEqualTo(blob.descriptor().digest() + " " + 64 * MIB);
  }

  @Test
  void headReportsMissingBlobAsEmpty() {
    Digest absent = Digest.of(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));

    assertThat(client.blobSize(repository, absent)).isEmpty();
  }

  @Test
  void manifestRoundTripsByteForByte() throws IOException {
    TestBlob config = blob("config.json", "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
        .getBytes(StandardCharsets.UTF_8));
    TestBlob layer = blob("layer.tar.gz", "pretend this is gzip".getBytes(StandardCharsets.UTF_8));
    client.uploadBlob(repository, config.descriptor(), config.file());
    client.uploadBlob(repository, layer.descriptor(), layer.file());
    // Odd spacing, a tab, key order no serializer would pick, annotations: re-serializing would show.
    String json = "{\n\t\"schemaVersion\" :2,   \"mediaType\": \"" + MediaTypes.OCI_MANIFEST + "\",\n"
        + "  \"layers\": [ {\"size\": " + layer.descriptor().size() + ", \"digest\": \"" + layer.descriptor().digest()
        + "\", \"mediaType\": \"" + MediaTypes.OCI_LAYER_GZIP + "\"} ],\n"
        + "  \"config\":{\"mediaType\":\"" + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + config.descriptor().digest()
        + "\",\"size\":" + config.descriptor().size() + "},\n"
        + "  \"annotations\": {\"org.opencontainers.image.title\": \"caf\\u00e9 \u2615\", \"z\": \"\", \"a\": \"1\"}\n"
        + "}\n\n";
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

    Digest pushed = client.putManifest(repository, "v1.0", MediaTypes.OCI_MANIFEST, bytes);
    FetchedManifest byTag = client.getManifest(repository, "v1.0");
    FetchedManifest byDigest = client.getManifest(repository, pushed.toString());

    assertThat(pushed).isEqualTo(Digest.of(bytes));
    assertThat(byTag.bytes()).isEqualTo(bytes);
    assertThat(byTag.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(byTag.digest()).isEqualTo(Digest.of(bytes));
    assertThat(byTag.headerDigest()).isEqualTo(Digest.of(bytes));
    assertThat(byDigest).isEqualTo(byTag);
  }

  @Test
  void manifestBeforeItsBlobsIsRejectedWithTheRegistryCode() {
    Digest absent = Digest.of(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
        + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + absent + "\",\"size\":2},\"layers\":[]}")
        .getBytes(StandardCharsets.UTF_8);

    RegistryException e = catchThrowableOfType(RegistryException.class,
        () -> client.putManifest(repository, "latest", MediaTypes.OCI_MANIFEST, manifest));

    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.errorCode()).hasValue("MANIFEST_BLOB_UNKNOWN");
    assertThat(e.retriable()).isFalse();
    assertThat(e.getMessage()).contains("PUT /v2/" + repository + "/manifests/latest", "push every blob");
  }

  @Test
  void unreachableRegistryGivesOneLineError() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = socket.getLocalPort();
    }
    long start = System.nanoTime();
    try (RegistryClient nowhere = new RegistryClient(RegistryEndpoint.of("127.0.0.1:" + closedPort, false))) {
      RegistryException e = catchThrowableOfType(RegistryException.class, nowhere::ping);

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      assertThat(e).isInstanceOf(RegistryUnreachableException.class);
      assertThat(e.retriable()).isTrue();
      assertThat(e.statusCode()).isZero();
      assertThat(e.getMessage())
          .isEqualTo("registry 127.0.0.1:" + closedPort + " is unreachable (connection refused):"
              + " check --private-registry and that the registry is running");
    }
  }

  @Test
  void missingManifestIs404() {
    RegistryException e = catchThrowableOfType(RegistryException.class, () -> client.getManifest(repository, "absent"));

    assertThat(e.statusCode()).isEqualTo(404);
    assertThat(e.errorCode()).isPresent();
    assertThat(e.retriable()).isFalse();
    assertThat(e.getMessage()).contains(RegistryServer.shared().hostPort(), "GET /v2/" + repository + "/manifests/absent");
  }

  @Test
  void uploadWithWrongDigestIsRejected() throws IOException {
    TestBlob blob = blob("layer.tar", "the real content".getBytes(StandardCharsets.UTF_8));
    Descriptor lying = new Descriptor(MediaTypes.OCI_LAYER_TAR,
        Digest.of("other content".getBytes(StandardCharsets.UTF_8)), blob.descriptor().size());

    RegistryException e = catchThrowableOfType(RegistryException.class,
        () -> client.uploadBlob(repository, lying, blob.file()));

    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.errorCode()).hasValue("DIGEST_INVALID");
    assertThat(e.retriable()).isFalse();
    assertThat(e.getMessage()).contains("DIGEST_INVALID").doesNotContain("\n").doesNotContain("_state");
    assertThat(client.blobSize(repository, lying.digest())).isEmpty();
  }

  private TestBlob blob(String name, byte[] content) throws IOException {
    return TestBlob.of(dir.resolve(name), content);
  }
}
