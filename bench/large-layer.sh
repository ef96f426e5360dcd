#!/usr/bin/env bash
# Memory on a large layer: pushes a one-image bundle whose layer is SIZE (an OCI layout directory) into
# a fresh local registry, ROUNDS times, and prints per push the wall seconds, MB/s and peak RSS of the
# whole `mirrorseed push` process (embedded broker, workers and verifier included), then the medians.
# Each push is checked with skopeo: the tag must resolve to the bundle's digest.
# Usage: bench/large-layer.sh [SIZE, default 2G] [ROUNDS, default 3].
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$ROOT"
SIZE=${1:-2G}
ROUNDS=${2:-3}
WORK="$ROOT/target/bench-large-layer"

scripts/install-deps.sh --for-tests
scripts/build-if-stale.sh
if [[ ! -x /usr/bin/time ]]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time > /dev/null
fi

# The CLI as ./mirrorseed runs it.
# shellcheck source=bench/cli.sh
source bench/cli.sh

REGDIR="$WORK/registry"
cleanup() {
  scripts/registry.sh stop "$REGDIR" > /dev/null 2>&1 || true
}
trap cleanup EXIT

rm -rf "$WORK"
mkdir -p "$WORK"
echo "generating a one-layer bundle of $SIZE..." >&2
image=$("$JAVA" -cp "fixtures/target/classes:cli/target/lib/*" dev.mirrorseed.fixtures.BundleGenerator \
  --images 1 --total "$SIZE" --largest "$SIZE" --format oci-dir --out "$WORK/bundle" | head -1)
ref=${image%% *}
digest=${image##* }
bytes=$(du -sb "$WORK/bundle/blobs" | cut -f1)
echo "$ref $digest, $bytes bytes of blobs" >&2

results="$WORK/results.tsv"
: > "$results"
for round in $(seq 1 "$ROUNDS"); do
  rm -rf "$REGDIR" "$WORK/ws"
  reg=$(scripts/registry.sh start "$REGDIR")
  start=$(date +%s.%N)
  /usr/bin/time -f %M -o "$WORK/rss" "${MIRRORSEED[@]}" push --source "$WORK/bundle" \
    --private-registry "$reg/bench" --workspace "$WORK/ws" > "$WORK/push.log" 2>&1
  end=$(date +%s.%N)
  target="$reg/bench/${ref#*/}"
  pushed=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$target")
  if [[ "$pushed" != "$digest" ]]; then
    echo "round $round: $target resolves to $pushed, not $digest" >&2
    exit 1
  fi
  secs=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }')
  mbs=$(awk -v b="$bytes" -v t="$secs" 'BEGIN { printf "%.1f", b / t / 1000000 }')
  rss=$(awk -v k="$(cat "$WORK/rss")" 'BEGIN { printf "%.0f", k / 1024 }')
  printf 'push %-8s %7.2f s %8.1f MB/s %6d MiB peak RSS\n' "$SIZE" "$secs" "$mbs" "$rss"
  printf '%s\t%s\t%s\n' "$secs" "$mbs" "$rss" >> "$results"
  scripts/registry.sh stop "$REGDIR"
done

median() { # column
  cut -f"$1" "$results" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
echo "medians: $(median 1) s, $(median 2) MB/s, $(median 3) MiB peak RSS (issue #7 asks for at most 300 MB)"
