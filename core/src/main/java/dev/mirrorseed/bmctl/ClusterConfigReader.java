package dev.mirrorseed.bmctl;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads the registry mirrors of a bmctl cluster config (Google Distributed Cloud for bare metal): a
 * multi-document YAML file whose header document holds bmctl's own keys ({@code gcrKeyPath},
 * {@code sshPrivateKeyPath}, {@code registryMirrors}, ...) and whose other documents are Kubernetes
 * resources ({@code Namespace}, {@code Cluster}, {@code NodePool}).
 *
 * <p>The header's {@code registryMirrors} is what bmctl reads and what its docs show. A Cluster exported
 * from a running cluster carries the same list in {@code spec.nodeConfig.registryMirrors}, where the
 * reconciler copies it; that is read when the header has none.
 */
public final class ClusterConfigReader {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final String HEADER_KEY = "registryMirrors";
  private static final String CLUSTER_SPEC_POINTER = "/spec/nodeConfig/registryMirrors";

  private ClusterConfigReader() {}

  /**
   * The mirrors in the order the file lists them; empty when it lists none. Relative
   * {@code caCertPath} and {@code pullCredentialConfigPath} are resolved against the file's directory.
   *
   * @throws ClusterConfigException when the file is missing, is not YAML (naming the line), or a mirror
   *     entry is malformed (naming its key)
   */
  public static List<RegistryMirror> registryMirrors(Path file) {
    List<JsonNode> documents = documents(file);
    for (JsonNode document : documents) {
      if (document.isObject() && !document.has("kind") && hasEntries(document.get(HEADER_KEY))) {
        return mirrors(document.get(HEADER_KEY), HEADER_KEY, file);
      }
    }
    for (JsonNode document : documents) {
      JsonNode inSpec = document.at(CLUSTER_SPEC_POINTER);
      if ("Cluster".equals(document.path("kind").asText()) && hasEntries(inSpec)) {
        return mirrors(inSpec, "Cluster spec.nodeConfig.registryMirrors", file);
      }
    }
    return List.of();
  }

  private static List<JsonNode> documents(Path file) {
    if (Files.isDirectory(file)) {
      throw new ClusterConfigException("cluster config " + file + " is a directory: give the cluster config"
          + " file in it (bmctl-workspace/CLUSTER/CLUSTER.yaml)");
    }
    try (InputStream in = Files.newInputStream(file);
        MappingIterator<JsonNode> iterator = YAML.readerFor(JsonNode.class).readValues(in)) {
      List<JsonNode> documents = new ArrayList<>();
      while (iterator.hasNextValue()) {
        documents.add(iterator.nextValue());
      }
      return documents;
    } catch (JsonProcessingException e) {
      throw new ClusterConfigException("cluster config " + file + notYaml(e) + ": fix the file", e);
    } catch (NoSuchFileException e) {
      throw new ClusterConfigException("cluster config " + file + " does not exist: give the path of the"
          + " cluster config bmctl uses (bmctl-workspace/CLUSTER/CLUSTER.yaml)", e);
    } catch (IOException e) {
      throw new ClusterConfigException("cluster config " + file + " cannot be read: " + e.getMessage(), e);
    }
  }

  private static boolean hasEntries(JsonNode list) {
    return list != null && !list.isMissingNode() && !list.isNull() && !(list.isArray() && list.isEmpty());
  }

  private static List<RegistryMirror> mirrors(JsonNode list, String key, Path file) {
    if (!list.isArray()) {
      throw invalid(file, key + " is not a list: write each mirror as '- endpoint: https://HOST:PORT/v2/NAMESPACE'");
    }
    Path directory = file.toAbsolutePath().getParent();
    List<RegistryMirror> mirrors = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      mirrors.add(mirror(list.get(i), key + "[" + i + "]", file, directory));
    }
    return List.copyOf(mirrors);
  }

  private static RegistryMirror mirror(JsonNode entry, String key, Path file, Path directory) {
    if (!entry.isObject()) {
      throw invalid(file, key + " is not a mapping: give it endpoint and, if needed, caCertPath,"
          + " pullCredentialConfigPath, hosts");
    }
    String endpointText = text(entry, "endpoint", key, file);
    if (endpointText == null) {
      throw invalid(file, key + ".endpoint is missing: give the mirror's https://HOST:PORT[/v2/NAMESPACE]");
    }
    RegistryMirror mirror;
    try {
      URI endpoint = RegistryMirror.endpoint(endpointText);
      mirror = new RegistryMirror(endpoint, path(entry, "caCertPath", key, file, directory),
          path(entry, "pullCredentialConfigPath", key, file, directory), hosts(entry, key, file));
      // A target that cannot be pushed to is the file's mistake: say so now, naming where it is.
      mirror.target();
    } catch (ClusterConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw invalid(file, key + ".endpoint: " + e.getMessage());
    }
    return mirror;
  }

  // Blank counts as absent: bmctl's docs tell users to leave caCertPath empty when there is no private CA.
  private static String text(JsonNode entry, String field, String key, Path file) {
    JsonNode value = entry.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isValueNode()) {
      throw invalid(file, key + "." + field + " must be a single value, not a list or mapping");
    }
    String text = value.asText().strip();
    return text.isEmpty() ? null : text;
  }

  private static Path path(JsonNode entry, String field, String key, Path file, Path directory) {
    String text = text(entry, field, key, file);
    return text == null ? null : directory.resolve(text).normalize();
  }

  private static List<String> hosts(JsonNode entry, String key, Path file) {
    JsonNode hosts = entry.get("hosts");
    if (hosts == null || hosts.isNull()) {
      return List.of();
    }
    if (!hosts.isArray()) {
      throw invalid(file, key + ".hosts is not a list: write one '- HOST' line per mirrored registry");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode host : hosts) {
      if (!host.isValueNode()) {
        throw invalid(file, key + ".hosts holds something that is not a host name");
      }
      names.add(host.asText().strip());
    }
    return names;
  }

  private static ClusterConfigException invalid(Path file, String problem) {
    return new ClusterConfigException("cluster config " + file + ": " + problem);
  }

  /**
   * Where and why the YAML is broken. SnakeYAML's own mark and problem are preferred: Jackson's location
   * can point at the token before the one that broke (a tab on line 2 is reported on line 1), and its
   * message starts with the context ("while parsing a block collection") rather than the problem.
   */
  private static String notYaml(JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
      return ", line " + (yaml.getProblemMark().getLine() + 1) + " is not valid YAML: " + firstLine(yaml.getProblem());
    }
    JsonLocation at = e.getLocation();
    String line = at == null || at.getLineNr() < 1 ? "" : ", line " + at.getLineNr();
    return line + " is not valid YAML: " + firstLine(e.getOriginalMessage());
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.strip().lines().findFirst().orElse("");
  }
}
