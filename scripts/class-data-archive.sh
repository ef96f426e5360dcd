#!/usr/bin/env bash
# Writes CLI_ARCHIVE (scripts/cli-java.sh: cli/target/archives/<JDK build>.jsa or .aot), an archive of
# the classes a push loads (the CLI, the registry clients, the embedded Kafka broker, the workers' and
# verifier's Kafka clients): the JVM then maps them ready-made instead of loading and verifying
# thousands of classes from jars: a standalone broker (BrokerMain) was ready in 2.5-3.2 s with it
# against 4.3-5.5 s without, three starts each on this 2-core machine; archiving the Kafka clients too
# took another ~0.3 s off a push's start (kafka ready to publishing: 1.2 s against 1.5 s, medians of
# three).
# On JDK 25 and later it is an AOT cache, which also keeps the classes linked and the training run's
# method profiles (see cli-java.sh). The archive holds for these exact jars and this JDK build only;
# build-if-stale.sh remakes it after every build, on the first run under another JDK and after a change
# to the launcher's scripts, and a JVM given a stale one just loads the classes as usual.
#   scripts/class-data-archive.sh   prints nothing; a failure leaves CLI_ARCHIVE.failed instead of an
#                                   archive: only a slower start, and no retry until the next build
#                                   or launcher change
set -uo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
# shellcheck source=scripts/cli-java.sh
source "$ROOT/scripts/cli-java.sh"
ARCHIVE="$CLI_ARCHIVE"
[[ -n "$ARCHIVE" ]] || exit 0 # a JDK without a release file: no way to tell its archive apart
mkdir -p "$(dirname "$ARCHIVE")"
TRAINING=$(mktemp -d)
trap 'rm -rf "$TRAINING"' EXIT
rm -f "$ARCHIVE" "$ARCHIVE.failed"
# The launcher's own flags, now without an archive: an AOT cache is checked against the flags it was
# trained with.
unset MIRRORSEED_JAVA_OPTS
# shellcheck source=scripts/cli-java.sh
source "$ROOT/scripts/cli-java.sh"

# An AOT cache leaves out Java 5 class files, picocli's, and the CLI's classes that implement picocli's
# interfaces: raised to Java 6 with stack maps (RaiseClassVersion.java), they are in it. `--version`
# took 0.62-0.83 s (median 0.72) with them against 0.73-0.96 s (median 0.89), 8 each alternating, and
# warm pushes with the broker kept running reached the registry ~60 ms sooner (8 alternating pairs,
# medians 749 against 812 ms). JDK 17's archive holds Java 5 classes as they are.
if [[ "$ARCHIVE" == *.aot ]]; then
  for jar in "$ROOT"/cli/target/lib/picocli-*.jar; do
    "$JAVA" "$ROOT/scripts/RaiseClassVersion.java" "$jar" >> "$TRAINING/raise.log" 2>&1
  done
fi

# A push of a small generated bundle (3 images, 3 MB, a shared layer) to a stand-in registry
# (TrainingRegistry.java): it starts its broker, makes the topics, starts the workers, the verifier and
# the publisher, stages, uploads, mounts and verifies, and stops, so the classes of a whole run are
# archived (and, on JDK 25, its methods' profiles), and nothing outside this machine is touched. Against
# an archive trained on an empty bundle, a warm push of the bench's 20 images used less CPU in each of 8
# pairs run back to back (4 on JDK 17, 4 on 25; 0.05-1.47 s less) and took 0.16-0.18 s less wall time
# (median of the pairs' differences on each JDK; the machine's noise is larger). Without the generator,
# the bundle is empty; without the stand-in (it did not start within 30 s), port 1 refuses the first
# contact: the push then stops before its pipeline, and the archive covers the broker only.
"$JAVA" -cp "$ROOT/fixtures/target/classes:$ROOT/cli/target/lib/*" dev.mirrorseed.fixtures.BundleGenerator \
  --images 3 --total 3M --format oci-dir --out "$TRAINING/bundle" > "$TRAINING/generator.log" 2>&1 < /dev/null ||
  { rm -rf "$TRAINING/bundle"; mkdir -p "$TRAINING/bundle"; }
"$JAVA" "$ROOT/scripts/TrainingRegistry.java" "$TRAINING/registry.port" > "$TRAINING/registry.log" 2>&1 < /dev/null &
stand_in=$!
trap 'kill "$stand_in" 2>/dev/null; rm -rf "$TRAINING"' EXIT
registry=127.0.0.1:1
for _ in $(seq 1 300); do
  if [[ -s "$TRAINING/registry.port" ]]; then
    registry=127.0.0.1:$(cat "$TRAINING/registry.port")
    break
  fi
  kill -0 "$stand_in" 2>/dev/null || break
  sleep 0.1
done
# JDK 25 records and writes an AOT cache in the one training run (JEP 514); earlier JDKs list the
# classes it loads, then dump them.
record=(-XX:DumpLoadedClassList="$TRAINING/classes.lst")
[[ "$ARCHIVE" != *.aot ]] || record=(-XX:AOTCacheOutput="$ARCHIVE")
"$JAVA" "${record[@]}" "${CLI_JAVA_OPTS[@]}" -cp "$CLI_CLASSPATH" dev.mirrorseed.cli.Main \
  push --source "$TRAINING/bundle" --private-registry "$registry/training" --workspace "$TRAINING/workspace" \
  > "$TRAINING/training.log" 2>&1 < /dev/null
kill "$stand_in" 2>/dev/null
wait "$stand_in" 2>/dev/null
if [[ "$ARCHIVE" != *.aot ]]; then
  "$JAVA" -Xshare:dump -XX:SharedClassListFile="$TRAINING/classes.lst" -XX:SharedArchiveFile="$ARCHIVE" \
    "${CLI_JAVA_OPTS[@]}" -cp "$CLI_CLASSPATH" > "$TRAINING/dump.log" 2>&1 || rm -f "$ARCHIVE"
fi
[[ -s "$ARCHIVE" ]] || { rm -f "$ARCHIVE"; touch "$ARCHIVE.failed"; }
