package dev.mirrorseed.bmctl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes {@link RegistryMirror}s back as the {@code registryMirrors} block of a bmctl cluster config,
 * the keys {@link ClusterConfigReader} reads: what bmctl needs to configure every node's containerd.
 */
public final class RegistryMirrorsYaml {
  private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
      .build());

  private RegistryMirrorsYaml() {}

  /** The block, {@code registryMirrors:} and one entry per mirror; gcr.io is left out of {@code hosts}, bmctl adds it. */
  public static String render(List<RegistryMirror> mirrors) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ArrayNode list = root.putArray("registryMirrors");
    for (RegistryMirror mirror : mirrors) {
      ObjectNode entry = list.addObject();
      entry.put("endpoint", mirror.endpoint().toString());
      if (mirror.caCertPath() != null) {
        entry.put("caCertPath", mirror.caCertPath().toString());
      }
      if (mirror.pullCredentialConfigPath() != null) {
        entry.put("pullCredentialConfigPath", mirror.pullCredentialConfigPath().toString());
      }
      List<String> others = mirror.mirroredHosts().stream()
          .filter(host -> !host.equals(RegistryMirror.ALWAYS_MIRRORED)).toList();
      if (!others.isEmpty()) {
        ArrayNode hosts = entry.putArray("hosts");
        others.forEach(hosts::add);
      }
    }
    try {
      return "# For the header of a bmctl cluster config (beside sshPrivateKeyPath); bmctl mirrors gcr.io and hosts.\n"
          + YAML.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
