package dev.mirrorseed.containerd;

import java.util.List;
import java.util.stream.Collectors;

/** TOML values as containerd's files hold them: basic strings, and arrays of them. */
final class Toml {
  private Toml() {}

  /** A TOML basic string: {@code "..."} with backslash, quote and control characters escaped. */
  static String quote(String text) {
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\t' -> quoted.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            quoted.append(String.format("\\u%04X", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }

  static String array(List<String> texts) {
    return texts.stream().map(Toml::quote).collect(Collectors.joining(", ", "[", "]"));
  }

  /** The id of containerd 1.6's CRI plugin (kubelet's image and runtime service). */
  static final String CRI_PLUGIN = "io.containerd.grpc.v1.cri";

  /** The CRI plugin's table in a version 2 config.toml, {@code plugins."io.containerd.grpc.v1.cri"}. */
  static final String CRI_V2 = "plugins." + quote(CRI_PLUGIN);
}
