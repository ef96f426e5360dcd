#!/usr/bin/env bash
# xz decoding: how fast `mirrorseed push --dry-run` stages a .tar.xz written in 8 MiB blocks, as
# `xz -T0` writes them, and the same tar in one block, each decoded by XZ Utils' xz (the default where
# it is installed: a block per core) and by the Java decoder (`--xz-decoder java`: a block per core,
# one block on one core), next to `xz -dc -T1` and `xz -dc -T0` of the many-block file and to staging
# the plain tar (no decoding at all: the ceiling).
# The bundle is one image whose one layer is an uncompressed tar of this machine's files under /usr,
# the kind of layer docker save writes: it compresses like a real one, so xz has work to do. (The
# generated layers of bench/staging.sh are random bytes, which xz stores as they are and decodes at
# memory speed.)
# Usage: bench/xz.sh [SIZE, default 1G] [ROUNDS, default 3]. Prints one row per measurement (wall
# seconds, MB/s of the uncompressed tar in decimal MB, CPU seconds, whose excess over wall seconds is
# the work done on more than one core, and peak RSS) and the median MB/s per row kind.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$ROOT"
SIZE=${1:-1G}
ROUNDS=${2:-3}
WORK="$ROOT/target/bench-xz"

scripts/build-if-stale.sh
[[ -x /usr/bin/time ]] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time > /dev/null

# The CLI as ./mirrorseed runs it, minus its is-the-build-stale check, which is not staging time.
# shellcheck source=bench/cli.sh
source bench/cli.sh

rm -rf "$WORK"
mkdir -p "$WORK/layout/blobs/sha256"
blobs="$WORK/layout/blobs/sha256"

echo "writing a $SIZE layer of files under /usr..." >&2
limit=$(numfmt --from=iec "$SIZE")
# Files in name order until SIZE: the same layer on the same machine every time.
find /usr -xdev -type f -printf '%s\t%P\n' | LC_ALL=C sort -t $'\t' -k2 \
  | awk -F'\t' -v limit="$limit" '!full { if (total + $1 > limit) full = 1; else { total += $1; print "usr/" $2 } }' \
  > "$WORK/files"
# Exit status 1: a file changed while it was read; the layer is still a whole tar.
tar -cf "$WORK/layer" -C / --no-recursion --owner=0 --group=0 --numeric-owner --mtime=@0 \
  --ignore-failed-read -T "$WORK/files" 2> /dev/null || (( $? == 1 ))

blob() { # file -> moves it into the layout as a blob; prints "<hex> <size>"
  local hex size
  hex=$(sha256sum "$1" | cut -d' ' -f1)
  size=$(stat -c %s "$1")
  mv "$1" "$blobs/$hex"
  echo "$hex $size"
}
read -r layer layer_size < <(blob "$WORK/layer")
printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
  "$layer" > "$WORK/config"
read -r config config_size < <(blob "$WORK/config")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",%s,%s}' \
  "$(printf '"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s}' \
    "$config" "$config_size")" \
  "$(printf '"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]' \
    "$layer" "$layer_size")" > "$WORK/manifest"
read -r manifest manifest_size < <(blob "$WORK/manifest")
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"example.com/bench/usr:1"}}]}' \
  "$manifest" "$manifest_size" > "$WORK/layout/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' > "$WORK/layout/oci-layout"
tar -cf "$WORK/bundle.tar" -C "$WORK/layout" oci-layout index.json blobs
rm -rf "$WORK/layout"

echo "compressing it (xz -0, as bench/staging.sh does)..." >&2
xz -0 -T0 --block-size=8MiB -c "$WORK/bundle.tar" > "$WORK/blocks.tar.xz"
xz -0 -T1 -c "$WORK/bundle.tar" > "$WORK/one-block.tar.xz"
tar_bytes=$(stat -c %s "$WORK/bundle.tar")
for file in blocks one-block; do
  xz --robot -l "$WORK/$file.tar.xz" \
    | awk -v f="$file.tar.xz" '$1 == "totals" { printf "%s: %s blocks, %s of %s bytes\n", f, $3, $4, $5 }' >&2
done

results="$WORK/results.tsv"
: > "$results"
row() { # kind command... -> runs it, prints and records a row; a failure stops the benchmark
  local kind=$1 out seconds rss user system mbs
  shift
  out="$WORK/row.out"
  if ! /usr/bin/time -f '%e %M %U %S' -o "$WORK/row.time" "$@" > /dev/null 2> "$out"; then
    echo "$kind failed:" >&2
    cat "$out" >&2
    exit 1
  fi
  read -r seconds rss user system < "$WORK/row.time"
  mbs=$(awk -v b="$tar_bytes" -v t="$seconds" 'BEGIN { printf "%.1f", b / t / 1000000 }')
  printf '%-46s %7.2f s %8.1f MB/s %7.2f s CPU %6d MB RSS\n' "$kind" "$seconds" "$mbs" \
    "$(awk -v u="$user" -v s="$system" 'BEGIN { print u + s }')" $((rss / 1024))
  printf '%s\t%s\n' "$kind" "$mbs" >> "$results"
}
stage() { # kind file [flag...]
  local kind=$1 file=$2
  shift 2
  rm -rf "$WORK/ws"
  row "$kind" "${MIRRORSEED[@]}" push --dry-run --source "$file" --private-registry 127.0.0.1:5000/bench \
    --workspace "$WORK/ws" "$@"
}

for round in $(seq 1 "$ROUNDS"); do
  echo "round $round" >&2
  stage "mirrorseed stage .tar" "$WORK/bundle.tar"
  stage "mirrorseed stage .tar.xz, 8 MiB blocks" "$WORK/blocks.tar.xz"
  stage "mirrorseed stage .tar.xz, 8 MiB blocks, java" "$WORK/blocks.tar.xz" --xz-decoder java
  stage "mirrorseed stage .tar.xz, one block" "$WORK/one-block.tar.xz"
  stage "mirrorseed stage .tar.xz, one block, java" "$WORK/one-block.tar.xz" --xz-decoder java
  row "xz -dc -T1 .tar.xz, 8 MiB blocks" xz -dc -T1 "$WORK/blocks.tar.xz"
  row "xz -dc -T0 .tar.xz, 8 MiB blocks" xz -dc -T0 "$WORK/blocks.tar.xz"
done

echo "medians over $ROUNDS rounds (MB/s of the $tar_bytes-byte tar, $(nproc) cores):"
cut -f1 "$results" | awk '!seen[$0]++' | while IFS= read -r kind; do
  median=$(awk -F'\t' -v k="$kind" '$1 == k { print $2 }' "$results" | sort -n \
    | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
  printf '%-46s %8.1f MB/s\n' "$kind" "$median"
done
rm -rf "$WORK/ws"
