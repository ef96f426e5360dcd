package dev.mirrorseed.run;

import java.util.List;

/** Every image of a run with its verdict; {@code pushed} counts images a worker pushed. */
public record RunSummary(String runId, int pushed, List<ImageOutcome> images) {
  public RunSummary {
    images = List.copyOf(images);
  }

  public long verified() {
    return images.stream().filter(i -> i.status() == ImageOutcome.Status.VERIFIED).count();
  }

  public long failed() {
    return images.size() - verified();
  }

  public boolean allVerified() {
    return failed() == 0;
  }

  public long bytesUploaded() {
    return images.stream().mapToLong(ImageOutcome::bytesUploaded).sum();
  }
}
