package dev.mirrorseed.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.oci.MediaTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Events travel as JSON naming their schema; what is written reads back equal. */
class EventJsonTest {
  private static final Descriptor MANIFEST =
      new Descriptor(MediaTypes.OCI_MANIFEST, Digest.of("m".getBytes()), 321);
  private static final ImageSpec IMAGE = new ImageSpec("gcr.io/a/b:1", "127.0.0.1:5000", "ns/a/b",
      List.of("1"), MANIFEST, List.of(),
      List.of(new Descriptor(MediaTypes.OCI_LAYER_TAR, Digest.of("l".getBytes()), 99)));
  private static final Writer WRITER = new Writer("node-7", 4242, "node-7-4242");

  @Test
  void pushRequestRoundTripsAndNamesItsSchema() {
    PushRequest request = new PushRequest("run-1", Instant.parse("2026-11-24T22:00:00Z"), IMAGE, "/staging",
        WRITER);

    byte[] json = EventJson.write(request);

    String text = new String(json, StandardCharsets.UTF_8);
    assertThat(text).contains("\"schema\":\"PushRequest/v1\"")
        .contains("\"digest\":\"" + MANIFEST.digest() + "\"")
        .contains("\"at\":\"2026-11-24T22:00:00Z\"")
        .contains("\"writer\":{\"host\":\"node-7\",\"pid\":4242,\"processId\":\"node-7-4242\"}");
    assertThat(EventJson.read(json)).isEqualTo(request);
  }

  @Test
  void aPushRequestCarriesTheBlobsItSharesWithEarlierImagesAndReadsWithNoneWhenWrittenWithout() throws IOException {
    SharedBlob base = new SharedBlob(Digest.of("l".getBytes()), "ns/a/first", new RequestOffset(3, 41));
    PushRequest request = new PushRequest("run-1", Instant.EPOCH, IMAGE, "/staging", WRITER, List.of(base));

    byte[] json = EventJson.write(request);

    assertThat(new String(json, StandardCharsets.UTF_8))
        .contains("\"sharedBlobs\":[{\"digest\":\"" + base.digest() + "\",\"repository\":\"ns/a/first\","
            + "\"holderRequest\":{\"partition\":3,\"offset\":41}}]");
    assertThat(EventJson.read(json)).isEqualTo(request);
    ObjectNode older = (ObjectNode) EventJson.MAPPER.readTree(json);
    ((ObjectNode) older.get("sharedBlobs").get(0)).remove("holderRequest");
    PushRequest withoutHolderRequest = (PushRequest) EventJson.read(older.toString().getBytes(StandardCharsets.UTF_8));
    assertThat(withoutHolderRequest.sharedBlobs()).containsExactly(new SharedBlob(base.digest(), "ns/a/first"));
    older.remove("sharedBlobs");
    PushRequest fromOlderProducer = (PushRequest) EventJson.read(older.toString().getBytes(StandardCharsets.UTF_8));
    assertThat(fromOlderProducer.sharedBlobs()).isEmpty();
    assertThat(fromOlderProducer.image()).isEqualTo(IMAGE);
  }

  @Test
  void everyResultKindRoundTrips() {
    List<MirrorEvent> events = List.of(
        new ImagePushed("r", Instant.EPOCH, IMAGE, MANIFEST.digest(), 1, 0, 0, 99, 1, 12, "w1", WRITER),
        new ImageFailed("r", Instant.EPOCH, IMAGE, ErrorCode.REJECTED, "no", 1, 3, "w1", WRITER),
        new RunPlanned("r", Instant.EPOCH, "/b", "sha256:00", "127.0.0.1:5000/ns", 1, 1, 99, WRITER),
        new ImageVerified("r", Instant.EPOCH, IMAGE, MANIFEST.digest(), 1, 99, WRITER),
        new VerificationFailed("r", Instant.EPOCH, IMAGE, null, List.of("missing"), List.of(), 0, WRITER),
        new RunCompleted("r", Instant.EPOCH, 1, 1, 1, 0, WRITER));

    for (MirrorEvent event : events) {
      assertThat(EventJson.read(EventJson.write(event))).isEqualTo(event);
    }
  }

  @Test
  void aFailedVerificationCarriesEachMismatchAsData() {
    Mismatch elsewhere = new Mismatch(Mismatch.Kind.TAG_POINTS_ELSEWHERE, "ns/a/b:1",
        MANIFEST.digest().toString(), Digest.of("other".getBytes()).toString());
    Mismatch size = new Mismatch(Mismatch.Kind.BLOB_WRONG_SIZE, "ns/a/b@" + Digest.of("l".getBytes()), "99", "98");
    VerificationFailed failed = new VerificationFailed("r", Instant.EPOCH, IMAGE, Digest.of("other".getBytes()),
        List.of(elsewhere.describe(), size.describe()), List.of(elsewhere, size), 0, WRITER);

    byte[] json = EventJson.write(failed);

    assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"kind\":\"BLOB_WRONG_SIZE\"",
        "\"reference\":\"ns/a/b@" + Digest.of("l".getBytes()) + "\"", "\"expected\":\"99\"", "\"observed\":\"98\"");
    assertThat(EventJson.read(json)).isEqualTo(failed);
  }

  @Test
  void aFailedVerificationWrittenBeforeMismatchesExistedReadsWithNone() {
    byte[] json = ("{\"schema\":\"VerificationFailed/v1\",\"runId\":\"r\",\"at\":\"1970-01-01T00:00:00Z\","
        + "\"problems\":[\"push failed: no\"],\"bytesUploaded\":0}").getBytes();

    VerificationFailed failed = (VerificationFailed) EventJson.read(json);

    assertThat(failed.mismatches()).isEmpty();
    assertThat(failed.problems()).containsExactly("push failed: no");
  }

  @Test
  void unknownFieldsFromNewerWritersAreIgnored() {
    byte[] json = ("{\"schema\":\"RunCompleted/v1\",\"runId\":\"r\",\"at\":\"1970-01-01T00:00:00Z\","
        + "\"images\":1,\"pushed\":1,\"verified\":1,\"failed\":0,\"addedLater\":true}").getBytes();

    assertThat(EventJson.read(json)).isEqualTo(new RunCompleted("r", Instant.EPOCH, 1, 1, 1, 0, null));
  }

  @Test
  void eventsWrittenBeforeWritersWereRecordedStillReadWithNoWriter() throws IOException {
    ImagePushed pushed = new ImagePushed("r", Instant.EPOCH, IMAGE, MANIFEST.digest(), 1, 0, 0, 99, 2, 12, "w1", WRITER);
    ObjectNode old = (ObjectNode) EventJson.MAPPER.readTree(EventJson.write(pushed));
    old.remove("writer");

    MirrorEvent read = EventJson.read(EventJson.MAPPER.writeValueAsBytes(old));

    assertThat(read).isEqualTo(
        new ImagePushed("r", Instant.EPOCH, IMAGE, MANIFEST.digest(), 1, 0, 0, 99, 2, 12, "w1", null));
  }

  @Test
  void thisProcessIsTheWriterOfWhatItWrites() {
    Writer writer = Writer.current();

    assertThat(writer.pid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(writer.host()).isNotBlank();
    assertThat(writer.processId()).isEqualTo(writer.host() + "-" + writer.pid());
    assertThat(Writer.current()).isSameAs(writer);
  }
}
