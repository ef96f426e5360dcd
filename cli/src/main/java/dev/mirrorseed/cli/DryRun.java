package dev.mirrorseed.cli;

import dev.mirrorseed.events.ImageSpec;
import dev.mirrorseed.plan.BrokenImage;
import dev.mirrorseed.plan.PlanListener;
import dev.mirrorseed.report.Sizes;
import java.io.PrintWriter;

/** {@code push --dry-run}: prints the plan as the bundle is read, and publishes nothing. */
final class DryRun implements PlanListener {
  private final PrintWriter out;
  private int broken;

  DryRun(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void imageReady(ImageSpec image) {
    out.printf("would push %s -> %s (%d blobs, %s)%n", image.sourceRef(), image.targetRef(),
        image.blobs().size(), Sizes.human(image.totalBlobBytes()));
    out.flush();
  }

  @Override
  public void imageBroken(BrokenImage image) {
    broken++;
    out.printf("BROKEN   %s: %s%n", image.sourceRef(), image.reason());
    out.flush();
  }

  int broken() {
    return broken;
  }
}
