package dev.mirrorseed.verify;

import dev.mirrorseed.oci.Digest;
import java.util.List;

/** What the registry showed for one image: the digest its tag resolves to and every mismatch found. */
public record Verdict(Digest observedDigest, List<String> problems, int blobsChecked) {
  public Verdict {
    problems = List.copyOf(problems);
  }

  public boolean verified() {
    return problems.isEmpty();
  }
}
