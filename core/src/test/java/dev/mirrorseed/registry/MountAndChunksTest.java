package dev.mirrorseed.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.fixtures.RegistryServer;
import dev.mirrorseed.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cross-repository mounts and chunked uploads against a real distribution registry. */
class MountAndChunksTest {
  private static final long MB = 1_000_000;
  private static final long MIB = 1024 * 1024;

  @TempDir Path dir;
  private final String hostPort = RegistryServer.shared().hostPort();
  private final String namespace = "mount-chunks-test/" + UUID.randomUUID().toString().substring(0, 8);
  private RegistryClient client;

  @BeforeEach
  void connect() {
    client = new RegistryClient(RegistryEndpoint.of(hostPort, false));
  }

  @AfterEach
  void disconnect() {
    client.close();
  }

  @Test
  void mountLinksABlobFromAnotherRepositoryWithoutSendingIt() throws IOException {
    TestBlob blob = TestBlob.random(dir.resolve("layer"), 2 * MB, 1);
    client.uploadBlob(namespace + "/first", blob.descriptor(), blob.file());
    long sentBefore = client.bytesUploaded();

    BlobTransfer transfer = client.mountBlob(namespace + "/second", blob.descriptor(), namespace + "/first", blob.file());

    assertThat(transfer).isEqualTo(new BlobTransfer(true, 0));
    assertThat(client.bytesUploaded()).isEqualTo(sentBefore);
    assertThat(client.blobSize(namespace + "/second", blob.descriptor().digest())).hasValue(2 * MB);
  }

  @Test
  void mountOfABlobTheSourceLacksFallsBackToUploadingIt() throws IOException {
    TestBlob blob = TestBlob.random(dir.resolve("layer"), 2 * MB, 2);

    BlobTransfer transfer = client.mountBlob(namespace + "/second", blob.descriptor(), namespace + "/empty", blob.file());

    assertThat(transfer).isEqualTo(new BlobTransfer(false, 2 * MB));
    assertThat(client.bytesUploaded()).isEqualTo(2 * MB);
    assertThat(client.blobSize(namespace + "/second", blob.descriptor().digest())).hasValue(2 * MB);
  }

  @Test
  void chunkedUploadLandsWithTheRightDigestAndSize() throws Exception {
    TestBlob blob = TestBlob.random(dir.resolve("layer"), 5 * MB, 3);
    try (RegistryClient chunked = new RegistryClient(RegistryEndpoint.of(hostPort, false), TestAccess.chunked(MIB))) {
      BlobTransfer transfer = chunked.uploadBlob(namespace + "/chunked", blob.descriptor(), blob.file());

      assertThat(transfer).isEqualTo(new BlobTransfer(false, 5 * MB));
    }
    assertThat(client.blobSize(namespace + "/chunked", blob.descriptor().digest())).hasValue(5 * MB);
    assertThat(sha256OfServedBlob(namespace + "/chunked", blob.descriptor().digest())).isEqualTo(blob.descriptor().digest());
  }

  @Test
  void chunkedUploadStreamsInConstantMemory() throws Exception {
    TestBlob blob = TestBlob.random(dir.resolve("large"), 64 * MIB, 4);

    // A 32 MB heap cannot hold the blob, nor two of its 16 MiB chunks.
    String uploaded = LargeUpload.runWithHeap("-Xmx32m", hostPort, namespace + "/large", blob, 16 * MIB);

    assertThat(uploaded).isEqualTo(Long.toString(64 * MIB));
    assertThat(client.blobSize(namespace + "/large", blob.descriptor().digest())).hasValue(64 * MIB);
  }

  /** What the registry serves for the blob, hashed here: our client only HEADs blobs. */
  private Digest sha256OfServedBlob(String repository, Digest digest) throws Exception {
    HttpRequest get = HttpRequest.newBuilder(URI.create("http://" + hostPort + "/v2/" + repository + "/blobs/" + digest)).build();
    MessageDigest sha256 = Digest.newHasher();
    try (InputStream body = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
            .send(get, HttpResponse.BodyHandlers.ofInputStream()).body();
        DigestInputStream hashing = new DigestInputStream(body, sha256)) {
      hashing.transferTo(OutputStream.nullOutputStream());
    }
    return Digest.fromHash(sha256.digest());
  }
}
