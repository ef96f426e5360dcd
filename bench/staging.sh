#!/usr/bin/env bash
# Staging throughput: how fast `mirrorseed push --dry-run` reads and stages a bundle (decompress,
# hash every blob, write the staging store), per compression, next to the system tools that only
# decompress (`gzip -dc`, `xz -dc`, `zstd -dc`) or unpack (`tar -x`) the same files.
# Usage: bench/staging.sh [SIZE, default 1G] [ROUNDS, default 3]. Prints one row per measurement and
# the median MB/s (decimal MB of the uncompressed tar) per row kind.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$ROOT"
SIZE=${1:-1G}
ROUNDS=${2:-3}
WORK="$ROOT/target/bench-staging"

scripts/install-deps.sh
scripts/build-if-stale.sh
command -v zstd > /dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zstd > /dev/null

# The CLI as ./mirrorseed runs it, minus its is-the-build-stale check, which is not staging time.
# shellcheck source=bench/cli.sh
source bench/cli.sh

rm -rf "$WORK"
mkdir -p "$WORK"
echo "generating a $SIZE bundle..." >&2
"$JAVA" -cp "fixtures/target/classes:cli/target/lib/*" dev.mirrorseed.fixtures.BundleGenerator \
  --images 20 --total "$SIZE" --largest 500M --format oci-tar --out "$WORK/bundle.tar" > /dev/null
# The system tools compress at speed-oriented levels (random layers make xz slow: ~3 MB/s at -1);
# xz in 8 MiB blocks as `xz -T0` writes them.
gzip -1 -c "$WORK/bundle.tar" > "$WORK/bundle.tar.gz"
xz -0 -T0 --block-size=8MiB -c "$WORK/bundle.tar" > "$WORK/bundle.tar.xz"
zstd -q -3 -T0 -c "$WORK/bundle.tar" > "$WORK/bundle.tar.zst"
tar_bytes=$(stat -c %s "$WORK/bundle.tar")
ls -l "$WORK"/bundle.tar* >&2

seconds() { # command... -> wall seconds on stdout
  local start end
  start=$(date +%s.%N)
  "$@" > /dev/null 2>&1
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }'
}

results="$WORK/results.tsv"
: > "$results"
row() { # kind seconds
  local mbs
  mbs=$(awk -v b="$tar_bytes" -v t="$2" 'BEGIN { printf "%.1f", b / t / 1000000 }')
  printf '%-28s %6.2f s %8.1f MB/s\n' "$1" "$2" "$mbs"
  printf '%s\t%s\n' "$1" "$mbs" >> "$results"
}

for round in $(seq 1 "$ROUNDS"); do
  echo "round $round" >&2
  for ext in tar tar.gz tar.xz tar.zst; do
    rm -rf "$WORK/ws"
    row "mirrorseed stage .$ext" "$(seconds "${MIRRORSEED[@]}" push --dry-run --source "$WORK/bundle.$ext" \
      --private-registry 127.0.0.1:5000/bench --workspace "$WORK/ws")"
  done
  rm -rf "$WORK/untar" && mkdir -p "$WORK/untar"
  row "tar -x .tar" "$(seconds tar -xf "$WORK/bundle.tar" -C "$WORK/untar")"
  row "gzip -dc .tar.gz" "$(seconds gzip -dc "$WORK/bundle.tar.gz")"
  row "xz -dc .tar.xz" "$(seconds xz -dc "$WORK/bundle.tar.xz")"
  row "xz -dc -T0 .tar.xz" "$(seconds xz -dc -T0 "$WORK/bundle.tar.xz")"
  row "zstd -dc .tar.zst" "$(seconds zstd -dc "$WORK/bundle.tar.zst")"
done

echo "medians over $ROUNDS rounds (MB/s of the $tar_bytes-byte tar):"
cut -f1 "$results" | sort -u | while IFS= read -r kind; do
  median=$(awk -F'\t' -v k="$kind" '$1 == k { print $2 }' "$results" | sort -n \
    | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
  printf '%-28s %8.1f MB/s\n' "$kind" "$median"
done
rm -rf "$WORK/ws" "$WORK/untar"
