#!/usr/bin/env bash
# Builds the project (mvn install, no tests) when the CLI's classes or runtime jars are missing or any
# main source or POM changed since the last build. Shared by ./mirrorseed and scripts/demo.sh so both
# run what is in the working tree. Build output goes to stderr: stdout belongs to the CLI.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
MARKER="$ROOT/cli/target/.built"

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

stale || exit 0

# Two commands started together must not build over each other: the second waits, then rechecks.
mkdir -p "$ROOT/cli/target"
exec 9>"$ROOT/cli/target/.build.lock"
flock 9
stale || exit 0

if built_before; then
  echo "building mirrorseed (sources changed)..." >&2
else
  echo "building mirrorseed (first use)..." >&2
fi
# Stamp the marker with the time the build started, so edits made during the build count as changes.
touch "$MARKER.next"
mvn -q -B -DskipTests -f "$ROOT/pom.xml" install >&2
"$ROOT/scripts/class-data-archive.sh"
mv "$MARKER.next" "$MARKER"
