package dev.mirrorseed.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorseed.run.RunSummary;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The terminal table of a run: a row per image under a header, then what failed and why. */
class RunTableTest {
  @Test
  void aRowPerImageWithItsDigestStatusBytesAttemptsWorkerAndDuration() {
    List<String> lines = RunTable.lines(SampleRun.typical().summary());

    assertThat(lines.get(0)).matches("IMAGE +DIGEST +STATUS +BYTES +ATTEMPTS +WORKER +DURATION");
    assertThat(lines).hasSize(1 + 5 + 2);
    assertThat(lines).anySatisfy(line -> assertThat(line).matches(
        "gcr\\.io/anthos-baremetal-release/etcd:v3\\.4\\.13-0-gke\\.5 -> 127\\.0\\.0\\.1:5000/ns/anthos-baremetal-release/etcd:v1"
            + " +sha256:[0-9a-f]{12} +verified +110\\.0 MB +1 +node-1-101-w2 +9\\.0 s"));
    assertThat(lines).anySatisfy(line -> assertThat(line).matches(
        "gcr\\.io/anthos-baremetal-release/coredns:1\\.6\\.5 -> \\S+ +sha256:[0-9a-f]{12} +FAILED +0 B +8 +node-2-202-w1 +6\\.0 s"));
    assertThat(lines).anySatisfy(line -> assertThat(line).matches("images/broken\\.tar +- +FAILED +0 B +- +producer +-"));
    assertThat(lines).contains(
        "FAILED gcr.io/anthos-baremetal-release/coredns:1.6.5: push failed: registry 127.0.0.1:5000 answered 503"
            + " Service Unavailable",
        "FAILED images/broken.tar: unreadable in the bundle: blob sha256:00ff is missing from the bundle");
  }

  @Test
  void columnsLineUp() {
    List<String> rows = RunTable.lines(SampleRun.typical().summary()).subList(0, 6);

    int status = rows.get(0).indexOf("STATUS");
    assertThat(rows).allSatisfy(row -> assertThat(row.substring(status)).matches("(STATUS|verified|FAILED) .*"));
  }

  @Test
  void anImageAwaitingItsVerdictSaysPushed() {
    RunSummary summary = SampleRun.create().awaitingVerdict("gcr.io/x/y:1", "node-1-101-w1", 0, 2, 1000).summary();

    assertThat(RunTable.lines(summary).get(1)).matches(".* pushed +1\\.0 kB +2 +node-1-101-w1 +2\\.0 s");
  }

  @Test
  void anEmptyRunIsOneLine() {
    assertThat(RunTable.lines(SampleRun.create().planned(3).summary()))
        .containsExactly("no image of run " + SampleRun.RUN + " has a result yet");
  }

  @Test
  void controlCharactersInNamesCannotDriveTheTerminal() {
    RunSummary summary = SampleRun.create().unreadable("images/\u001b[2J\u001b[31mred\r.tar", "bad\u0007").summary();

    assertThat(String.join("\n", RunTable.lines(summary))).doesNotContain("\u001b", "\r", "\u0007")
        .contains("images/?[2J?[31mred?.tar", "bad?");
  }
}
