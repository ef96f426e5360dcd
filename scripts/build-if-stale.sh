#!/usr/bin/env bash
# Builds the project (mvn install, no tests) when the CLI's classes or runtime jars are missing or any
# main source or POM changed since the last build, then writes the class archive for the JDK in use
# (scripts/class-data-archive.sh); on the first run under another JDK or after a change to the
# launcher's scripts, only that JDK's archive. Shared by ./mirrorseed, scripts/demo.sh, the tests and
# the benchmarks so all run what is in the working tree. Build output goes to stderr: stdout belongs to
# the CLI.
set -euo pipefail

# As ./mirrorseed finds its checkout: this runs before every start of the CLI.
self=${BASH_SOURCE[0]}
[[ ! -L "$self" ]] || self=$(readlink -f "$self")
[[ "$self" == */* ]] || self="./$self"
ROOT="$(cd "${self%/*}/.." && pwd)"
MARKER="$ROOT/cli/target/.built"
# shellcheck source=scripts/cli-java.sh
source "$ROOT/scripts/cli-java.sh"

built_before() {
  [[ -d "$ROOT/cli/target/lib" && -f "$ROOT/cli/target/mirrorseed-cli.jar" && -f "$MARKER" ]]
}

stale() {
  built_before || return 0
  local sources=()
  shopt -s nullglob
  sources=("$ROOT"/pom.xml "$ROOT"/*/pom.xml "$ROOT"/*/src/main)
  shopt -u nullglob
  [[ -n "$(find "${sources[@]}" -newer "$MARKER" -print -quit)" ]]
}

# This JDK has no archive yet (nor a failed attempt at one), or one older than the jars it holds (a
# `mvn verify` copies them again), or than the flags and the training that made it: a JVM ignores an
# archive whose jars changed, and an AOT cache trained with other flags.
archive_outdated() {
  [[ -n "$CLI_ARCHIVE" ]] || return 1
  local made="$CLI_ARCHIVE"
  [[ -e "$made" ]] || made="$CLI_ARCHIVE.failed"
  [[ ! -e "$made" ]] && return 0
  [[ -n "$(find "$ROOT/cli/target/mirrorseed-cli.jar" "$ROOT/cli/target/lib" "$ROOT/scripts/cli-java.sh" \
    "$ROOT/scripts/jit-directives.json" "$ROOT/scripts/class-data-archive.sh" "$ROOT/scripts/TrainingRegistry.java" \
    "$ROOT/scripts/RaiseClassVersion.java" \
    -newer "$made" -print -quit 2>/dev/null)" ]]
}

stale || archive_outdated || exit 0

# Two commands started together must not build over each other: the second waits, then rechecks.
mkdir -p "$ROOT/cli/target"
exec 9>"$ROOT/cli/target/.build.lock"
flock 9
if ! stale; then
  archive_outdated || exit 0
  echo "writing the class archive for Java $JAVA_BUILD (~15 s, after a change to its jars or the launcher)..." >&2
  "$ROOT/scripts/class-data-archive.sh"
  exit 0
fi

if built_before; then
  echo "building mirrorseed (sources changed)..." >&2
else
  echo "building mirrorseed (first use)..." >&2
fi
# Stamp the marker with the time the build started, so edits made during the build count as changes.
touch "$MARKER.next"
mvn -q -B -DskipTests -f "$ROOT/pom.xml" install >&2
# Every JDK's archive is stale now; the others are remade on their next run.
rm -rf "$ROOT/cli/target/archives" "$ROOT/cli/target/mirrorseed.jsa"
"$ROOT/scripts/class-data-archive.sh"
mv "$MARKER.next" "$MARKER"
