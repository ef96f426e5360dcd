package dev.mirrorseed.events;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * Every message mirrorseed writes to Kafka. The JSON property {@code schema} names the record and its
 * version, so a reader can tell what it holds before it knows the Java type. Every event says which run
 * it belongs to, when and by which process ({@link Writer}) it was written; results also say after how
 * many attempts. No event carries a secret or blob bytes.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "schema")
@JsonSubTypes({
  @JsonSubTypes.Type(value = PushRequest.class, name = "PushRequest/v1"),
  @JsonSubTypes.Type(value = ImagePushed.class, name = "ImagePushed/v1"),
  @JsonSubTypes.Type(value = ImageFailed.class, name = "ImageFailed/v1"),
  @JsonSubTypes.Type(value = RunPlanned.class, name = "RunPlanned/v1"),
  @JsonSubTypes.Type(value = ImageVerified.class, name = "ImageVerified/v1"),
  @JsonSubTypes.Type(value = VerificationFailed.class, name = "VerificationFailed/v1"),
  @JsonSubTypes.Type(value = RunCompleted.class, name = "RunCompleted/v1")
})
public sealed interface MirrorEvent
    permits PushRequest, PushResult, RunPlanned, ImageVerified, VerificationFailed, RunCompleted {
  String runId();

  Instant at();

  /** The process that wrote it; null in events written before writers were recorded. */
  Writer writer();
}
