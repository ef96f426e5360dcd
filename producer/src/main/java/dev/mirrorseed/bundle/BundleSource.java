package dev.mirrorseed.bundle;

import dev.mirrorseed.oci.Digest;
import dev.mirrorseed.staging.StagingStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Opens what the user passed as {@code --source} and gets its blobs into a staging store. */
public final class BundleSource {
  private BundleSource() {}

  /**
   * Stages {@code source}: an OCI layout directory is used in place ({@code stagingDir} is then not
   * touched); a tar of one is read into a store at {@code stagingDir}.
   *
   * @throws BundleException when the source is not a bundle this version can read, or is corrupt
   */
  public static StagedBundle stage(Path source, Path stagingDir) {
    BundleFormat format = BundleFormat.of(source);
    return switch (format) {
      case DIRECTORY -> inPlace(source);
      case TAR -> TarLayoutReader.read(source, StagingStore.create(stagingDir));
      case GZIP, XZ, ZSTD -> throw new BundleException(source + " is " + format.name().toLowerCase(Locale.ROOT)
          + "-compressed: compressed bundles are not supported yet: decompress first");
      case UNKNOWN -> throw new BundleException(source + " is neither an OCI layout directory nor a tar archive:"
          + " pass a layout directory or an uncompressed .tar of one");
    };
  }

  private static StagedBundle inPlace(Path directory) {
    Path indexFile = directory.resolve("index.json");
    if (!Files.isRegularFile(indexFile)) {
      throw new BundleException(directory + " has no index.json, so it is not an OCI image layout:"
          + " pass a layout directory or an uncompressed .tar of one");
    }
    byte[] index;
    try {
      index = Files.readAllBytes(indexFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + indexFile + ": " + e.getMessage(), e);
    }
    return new StagedBundle(
        directory.toString(), StagingStore.inPlace(directory), Digest.of(index).toString(), index, false);
  }
}
