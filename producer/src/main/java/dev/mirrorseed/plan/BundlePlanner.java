package dev.mirrorseed.plan;

import dev.mirrorseed.bundle.BundleException;
import dev.mirrorseed.bundle.BundleSource;
import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.oci.Descriptor;
import dev.mirrorseed.reference.MirrorTarget;
import dev.mirrorseed.staging.HashedFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a bundle into the images a run pushes, while reading it: each image is handed on as soon as
 * it is complete, so pushing overlaps decompression. See {@link ImageNames} for how images are named.
 */
public final class BundlePlanner {
  private BundlePlanner() {}

  /**
   * Reads {@code source} in a single pass: an OCI layout directory (used in place, every blob hashed
   * unless {@link PlanOptions#hashRecord} knows it unchanged since an earlier read),
   * or an archive (tar, gzip, xz, zstd, told by content) of OCI layouts and docker-save archives, at its
   * top, in directories, or in nested per-image archives. Blobs are staged into {@code stagingDir} (an
   * OCI layout: blobs/sha256/&lt;hex&gt;), each hash-checked. {@code listener} hears of each image as
   * soon as it is complete, or broken: an image that cannot be pushed breaks alone.
   *
   * @throws BundleException for problems that make the rest of the bundle unreadable (a corrupt or
   *     truncated stream, a hostile entry, a malformed top-level index.json) after the listener has
   *     heard of every image complete before, and for a bundle without any image
   */
  public static BundleSummary stream(
      Path source, Path stagingDir, MirrorTarget target, PlanOptions options, PlanListener listener) {
    HashedFiles hashed = options.hashRecord().map(HashedFiles::load).orElseGet(HashedFiles::none);
    BundleSource bundle = BundleSource.open(source, stagingDir, hashed);
    StreamingPlanner planner = new StreamingPlanner(bundle.store(), target, listener);
    String bundleDigest;
    try {
      bundleDigest = bundle.read(options.maxBlobBytes(), options.gzipDockerLayers(), options.xzDecoder(), planner);
    } finally {
      // What was hashed before a damaged part stopped the reading need not be hashed again either.
      hashed.save();
    }
    int images = planner.ready() + planner.broken();
    if (images == 0) {
      throw new BundleException("bundle " + source + " holds no images: no index.json or docker-save manifest.json"
          + " in it lists one, at its top, in a directory or in a nested archive; pass a bundle of images");
    }
    List<Descriptor> blobs = planner.readyBlobs();
    return new BundleSummary(source.toString(), bundleDigest, bundle.store().root(), images, planner.broken(),
        blobs.size(), blobs.stream().mapToLong(Descriptor::size).sum(), hashed.unchangedCount());
  }

  /**
   * {@link #stream} with default options, collecting the images.
   *
   * @throws BundleException also when any image is broken, with the first broken image's reason
   */
  public static BundlePlan stageAndPlan(Path source, Path stagingDir, MirrorTarget target) {
    List<ImageSpec> images = new ArrayList<>();
    List<BrokenImage> broken = new ArrayList<>();
    BundleSummary summary = stream(source, stagingDir, target, PlanOptions.defaults(), new PlanListener() {
      @Override
      public void imageReady(ImageSpec image) {
        images.add(image);
      }

      @Override
      public void imageBroken(BrokenImage image) {
        broken.add(image);
      }
    });
    if (!broken.isEmpty()) {
      throw new BundleException(broken.get(0).reason());
    }
    return new BundlePlan(summary.source(), summary.bundleDigest(), summary.staging(), images);
  }
}
