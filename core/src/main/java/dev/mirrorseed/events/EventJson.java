package dev.mirrorseed.events;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/** The one JSON mapping of {@link MirrorEvent}s, as Kafka (de)serializers and for reports. */
public final class EventJson {
  public static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          // Newer writers may add fields; old readers must still read the rest.
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private EventJson() {}

  public static byte[] write(MirrorEvent event) {
    try {
      return MAPPER.writeValueAsBytes(event);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static MirrorEvent read(byte[] json) {
    try {
      return MAPPER.readValue(json, MirrorEvent.class);
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable mirrorseed event: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
  }

  /** Kafka serializer for any event. */
  public static final class EventSerializer implements Serializer<MirrorEvent> {
    @Override
    public byte[] serialize(String topic, MirrorEvent event) {
      return event == null ? null : write(event);
    }
  }

  /** Kafka deserializer for any event. */
  public static final class EventDeserializer implements Deserializer<MirrorEvent> {
    @Override
    public MirrorEvent deserialize(String topic, byte[] data) {
      return data == null ? null : read(data);
    }
  }
}
