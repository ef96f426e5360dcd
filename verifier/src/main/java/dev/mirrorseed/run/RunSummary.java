package dev.mirrorseed.run;

import dev.mirrorseed.events.RunPlanned;
import java.util.List;

/**
 * Every image of a run with its verdict; {@code pushed} counts images a worker pushed. {@code plan} is
 * the producer's {@link RunPlanned}, null while it has not been seen.
 */
public record RunSummary(String runId, int pushed, List<ImageOutcome> images, RunPlanned plan) {
  public RunSummary {
    images = List.copyOf(images);
  }

  public long verified() {
    return count(ImageOutcome.Status.VERIFIED);
  }

  public long failed() {
    return count(ImageOutcome.Status.FAILED);
  }

  /** Images pushed that have no verdict yet. */
  public long awaitingVerdict() {
    return count(ImageOutcome.Status.PUSHED);
  }

  /** Planned images with no result at all yet; 0 while the plan is unknown. */
  public long missing() {
    return plan == null ? 0 : Math.max(0, plan.images() - images.size());
  }

  public boolean allVerified() {
    return verified() == images.size() && missing() == 0;
  }

  public long bytesUploaded() {
    return images.stream().mapToLong(ImageOutcome::bytesUploaded).sum();
  }

  private long count(ImageOutcome.Status status) {
    return images.stream().filter(i -> i.status() == status).count();
  }
}
