package dev.mirrorseed.events;

/** The topic names, derived from one configurable prefix ({@code mirrorseed} by default). */
public record Topics(String prefix) {
  public static final String DEFAULT_PREFIX = "mirrorseed";
  /** Enough partitions that a dozen worker processes all get work. */
  public static final int REQUEST_PARTITIONS = 12;

  public static Topics defaults() {
    return new Topics(DEFAULT_PREFIX);
  }

  /** {@link PushRequest}s, keyed by target repository. */
  public String requests() {
    return prefix + ".requests";
  }

  /** {@link PushResult}s, keyed by target repository. */
  public String results() {
    return prefix + ".results";
  }

  /**
   * The consumer group of the workers of this pipeline: {@code mirrorseed-workers} by default, and one
   * group per prefix, so pipelines that share a cluster never take each other's requests.
   */
  public String workerGroup() {
    return prefix + "-workers";
  }

  /** {@link RunPlanned}, verdicts and {@link RunCompleted}, keyed by run id. */
  public String audit() {
    return prefix + ".audit";
  }
}
