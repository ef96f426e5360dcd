package dev.mirrorseed.cli;

import dev.mirrorseed.bundle.BundleException;
import dev.mirrorseed.events.RunPlanned;
import dev.mirrorseed.plan.BundlePlanner;
import dev.mirrorseed.plan.BundleSummary;
import dev.mirrorseed.plan.PlanListener;
import dev.mirrorseed.plan.PlanOptions;
import dev.mirrorseed.produce.RunPublisher;
import dev.mirrorseed.reference.MirrorTarget;
import dev.mirrorseed.report.Sizes;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * What reading a bundle into a run gave, for push and produce: its summary when it was read to the
 * end, or the damage that stopped the reading, after the images before it were announced.
 */
record BundleRead(Path source, BundleSummary summary, BundleException unreadable) {
  /** Reads {@code source}, telling {@code listener} of each image, and says on {@code out} what it found. */
  static BundleRead of(Path source, Path staging, MirrorTarget target, PlanOptions options, PlanListener listener,
      PrintWriter out) {
    try {
      BundleSummary read = BundlePlanner.stream(source, staging, target, options, listener);
      String unchanged = read.blobsUnchanged() == 0 ? ""
          : ", " + read.blobsUnchanged() + " blob files unchanged since an earlier run hashed them";
      out.printf("read %d images (%d broken), %d unique blobs, %s from %s (%s)%s%n", read.images(),
          read.broken(), read.uniqueBlobs(), Sizes.human(read.uniqueBytes()), source, read.bundleDigest(), unchanged);
      out.flush();
      return new BundleRead(source, read, null);
    } catch (BundleException e) {
      // What was announced before the bundle became unreadable is still pushed and verified.
      return new BundleRead(source, null, e);
    }
  }

  /** Ends the run's publication: whole when the bundle was read to its end, else the images announced so far. */
  RunPlanned publish(RunPublisher publisher, MirrorTarget target) {
    return summary != null
        ? publisher.complete(summary, target.toString())
        : publisher.abandoned(source.toString(), target.toString());
  }

  /** Exit status 2 for a bundle that could not be read to its end, once the run is dealt with. */
  void rethrowIfUnreadable() {
    if (unreadable != null) {
      throw unreadable;
    }
  }
}
