package dev.mirrorseed.cli;

import dev.mirrorseed.verify.Depth;
import picocli.CommandLine.Option;

/** How deep the verifier looks at each blob, the same flag on push and verify. */
final class DeepOption {
  @Option(names = "--deep",
      description = "Verify blobs by downloading each from the registry and hashing it (constant memory, as slow"
          + " as a pull), not only by HEAD and size: a registry answers HEAD from its metadata, so bytes replaced"
          + " by others of the same size pass without it.")
  boolean deep;

  Depth depth() {
    return deep ? Depth.CONTENT : Depth.SIZES;
  }
}
