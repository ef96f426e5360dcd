package dev.mirrorseed.verify;

import dev.mirrorseed.events.Mismatch;
import dev.mirrorseed.oci.Digest;
import java.util.List;

/** What the registry showed for one image: the digest its tag resolves to and every mismatch found. */
public record Verdict(Digest observedDigest, List<Mismatch> mismatches, int blobsChecked) {
  public Verdict {
    mismatches = List.copyOf(mismatches);
  }

  public boolean verified() {
    return mismatches.isEmpty();
  }

  /** Each mismatch in one line of words. */
  public List<String> problems() {
    return mismatches.stream().map(Mismatch::describe).toList();
  }
}
