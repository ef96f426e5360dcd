#!/usr/bin/env bash
# Push throughput: `mirrorseed push` of an OCI layout bundle into a local registry, next to skopeo
# copying the same images one by one and two at a time, and to the raw ceiling of monolithic blob
# uploads with curl: one alone, two side by side, and the bundle's own blobs. Every measurement that
# starts cold gets a fresh registry (scripts/registry.sh on 127.0.0.1); warm runs repeat against the
# same registry once everything is there.
#   mirrorseed cold/warm  full CLI run, embedded Kafka and its startup included, fresh workspace each
#   mirrorseed rerun      warm again on the warm run's workspace, as a user's rerun of the same command
#   mirrorseed rerun, broker up  the same with `mirrorseed broker` keeping the workspace's broker running
#   skopeo seq cold/warm  `skopeo copy --preserve-digests oci:BUNDLE:REF docker://...` per image
#   skopeo x2 cold        the same, two copies in parallel
#   curl ceiling          POST + PUT of one SIZE/2 random blob (its own bytes count for MB/s)
#   curl x2 ceiling       two such uploads of two SIZE/2 blobs side by side: what the registry takes in
#                         from more than one stream, as a push's parallel uploads give it
#   curl bundle blobs     every blob file of the bundle uploaded so, largest first, as many at once as a
#                         push's default upload slots (two per core): the raw ceiling for this bundle's
#                         shape, where one large layer goes up on one stream (its bytes: all the files)
# Usage: bench/push-vs-skopeo.sh [SIZE, default 1G] [ROUNDS, default 3]. Prints one row per
# measurement (wall seconds, MB/s of the unique blob bytes in decimal MB, peak RSS of the largest
# single process under GNU time), then medians per row kind and mirrorseed's ratios to the others.
# A cold push's row is followed by its pushing: from the first image a worker took to the last one it
# finished (the run's report), so its rate while uploading stands apart from its fixed start.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$ROOT"
SIZE=${1:-1G}
ROUNDS=${2:-3}
WORK="$ROOT/target/bench-push"

scripts/install-deps.sh
scripts/build-if-stale.sh
command -v jq > /dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq > /dev/null
[[ -x /usr/bin/time ]] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time > /dev/null || true
TIMER=()
if [[ -x /usr/bin/time ]]; then
  TIMER=(/usr/bin/time -f %M -o "$WORK/rss")
else
  echo "note: GNU time (/usr/bin/time) unavailable: no peak RSS column" >&2
fi

# The CLI as ./mirrorseed runs it, minus its is-the-build-stale check, which is not push time.
# shellcheck source=bench/cli.sh
source bench/cli.sh
NS=bench

broker_pid=
cleanup() {
  local dir
  [[ -z "$broker_pid" ]] || { kill -TERM "$broker_pid" 2> /dev/null; wait "$broker_pid" 2> /dev/null; }
  for dir in "$WORK"/reg-*; do
    [[ -d "$dir" ]] && scripts/registry.sh stop "$dir"
  done
  return 0
}
trap cleanup EXIT

rm -rf "$WORK"
mkdir -p "$WORK"
echo "generating a $SIZE bundle..." >&2
BUNDLE="$WORK/bundle"
"$JAVA" -cp "fixtures/target/classes:cli/target/lib/*" dev.mirrorseed.fixtures.BundleGenerator \
  --images 20 --total "$SIZE" --largest 500M --format oci-dir --out "$BUNDLE" > /dev/null

# One line per image: the layout's ref name (oci:PATH:REF finds an image by its
# org.opencontainers.image.ref.name, here the full source reference) and the repository:tag mirrorseed
# gives it under NS (the source path minus its registry host).
jq -r '.manifests[].annotations["org.opencontainers.image.ref.name"]' "$BUNDLE/index.json" \
  | awk -v ns="$NS" '{ dest = $0; sub(/^[^\/]*\//, "", dest); print $0, ns "/" dest }' > "$WORK/refs"
images=$(wc -l < "$WORK/refs")
# Unique blob bytes: layers and configs, not the manifests the index points at (as mirrorseed's plan);
# and all the blob files' bytes, manifests too, which the raw upload of the bundle's blobs sends. Both
# printed whole (awk's print writes 4.29485e+09 for a 4G bundle).
read -r unique_bytes bundle_file_bytes < <(find "$BUNDLE/blobs/sha256" -type f -printf '%f %s\n' \
  | awk 'NR == FNR { m[$1] = 1; next } { all += $2 } !($1 in m) { s += $2 } END { printf "%.0f %.0f\n", s, all }' \
    <(jq -r '.manifests[].digest | sub("^sha256:"; "")' "$BUNDLE/index.json") -)
echo "$images images, $unique_bytes unique blob bytes" >&2

ceiling_bytes=$(( $(numfmt --from=iec "$SIZE") / 2 ))
head -c "$ceiling_bytes" /dev/urandom > "$WORK/ceiling.blob"
ceiling_digest="sha256:$(sha256sum "$WORK/ceiling.blob" | cut -d' ' -f1)"
head -c "$ceiling_bytes" /dev/urandom > "$WORK/ceiling2.blob"
ceiling2_digest="sha256:$(sha256sum "$WORK/ceiling2.blob" | cut -d' ' -f1)"

results="$WORK/results.tsv"
: > "$results"
# Runs a command, prints and records its row: kind seconds MB/s RSS.
measured_from=
measure() { # kind bytes command...; leaves the command's start (epoch seconds) in measured_from
  local kind=$1 bytes=$2 start end secs mbs rss=- status=0
  shift 2
  start=$(date +%s.%N)
  measured_from=$start
  "${TIMER[@]}" "$@" > "$WORK/last.log" 2>&1 || status=$?
  end=$(date +%s.%N)
  if [[ $status -ne 0 ]]; then
    echo "$kind failed ($status); last lines of its output:" >&2
    tail -n 20 "$WORK/last.log" >&2
    exit 1
  fi
  [[ ${#TIMER[@]} -eq 0 ]] || rss=$(awk 'END { printf "%.0f", $1 / 1024 }' "$WORK/rss")
  secs=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')
  mbs=$(awk -v b="$bytes" -v t="$secs" 'BEGIN { printf "%.1f", b / t / 1000000 }')
  printf '%-28s %7.2f s %8.1f MB/s %6s MB RSS\n' "$kind" "$secs" "$mbs" "$rss"
  printf '%s\t%s\t%s\t%s\n' "$kind" "$secs" "$mbs" "$rss" >> "$results"
}

registry_n=0
REG=
REGDIR=
fresh_registry() {
  registry_n=$((registry_n + 1))
  REGDIR="$WORK/reg-$registry_n"
  REG=$(scripts/registry.sh start "$REGDIR")
}
drop_registry() {
  scripts/registry.sh stop "$REGDIR"
  rm -rf "$REGDIR"
}

mirrorseed_push() { # label [keep: reuse the previous run's workspace]
  [[ ${2:-} == keep ]] || rm -rf "$WORK/ws"
  measure "mirrorseed $1" "$unique_bytes" "${MIRRORSEED[@]}" push --source "$BUNDLE" \
    --private-registry "$REG/$NS" --workspace "$WORK/ws" --report "$WORK/report-$1.json"
  echo "  mirrorseed $1 uploaded $(jq .bytesUploaded "$WORK/report-$1.json") bytes" \
    "($unique_bytes unique)" >> "$WORK/uploaded"
  [[ $1 != cold ]] || pushing_of "$WORK/report-$1.json"
}

# The cold run's pushing: each image's push ended at its result's time (`at`, ISO-8601 with a fraction)
# and began durationMillis before; prints and records when the first began after the command started,
# how long until the last ended, and the unique bytes per second in between.
pushing_of() { # report
  local window
  window=$(jq -r '[.results[].push | select(. != null)
      | (.at | capture("^(?<s>[^.Z]+)(?<f>\\.[0-9]+)?Z$")) as $t
      | ((($t.s + "Z") | fromdate) + ("0" + ($t.f // "") | tonumber)) as $finished
      | [$finished - .durationMillis / 1000, $finished]]
    | "\(map(.[0]) | min) \(map(.[1]) | max)"' "$1")
  read -r first last <<< "$window"
  awk -v out="$WORK/pushing.tsv" -v from="$measured_from" -v first="$first" -v last="$last" \
    -v b="$unique_bytes" 'BEGIN {
    printf "  pushing from %.2f s to %.2f s into the run: %.2f s, %.1f MB/s\n",
      first - from, last - from, last - first, b / (last - first) / 1000000
    printf "%.3f\t%.3f\t%.1f\n", first - from, last - first, b / (last - first) / 1000000 >> out
  }'
}

skopeo_copy() { # parallelism: copies every image of the bundle into $REG
  # shellcheck disable=SC2016 # expanded by the inner sh.
  xargs -a "$WORK/refs" -P "$1" -n 2 sh -c \
    'skopeo copy --quiet --dest-tls-verify=false --preserve-digests "oci:$BUNDLE:$0" "docker://$REG/$1"'
}
export -f skopeo_copy

# One monolithic upload: POST opens it, PUT sends every byte and the digest.
ceiling_upload() { # file digest
  local location
  location=$(curl -fsS -o /dev/null -D - -X POST "http://$REG/v2/$NS/ceiling/blobs/uploads/" \
    | awk 'tolower($1) == "location:" { sub(/\r$/, "", $2); print $2 }')
  [[ $location == http* ]] || location="http://$REG$location"
  [[ $location == *\?* ]] && location="$location&" || location="$location?"
  # -T streams the file (--data-binary @FILE would read it all into memory first).
  curl -fsS -o /dev/null -T "$1" -H 'Content-Type: application/octet-stream' "${location}digest=$2"
}
# Two at once, each into an upload of its own; fails if either does.
ceiling_uploads_side_by_side() {
  local other status=0
  ceiling_upload "$WORK/ceiling.blob" "$ceiling_digest" &
  other=$!
  ceiling_upload "$WORK/ceiling2.blob" "$ceiling2_digest" || status=$?
  wait "$other" || status=$?
  return "$status"
}
# The bundle's blob files as the push's bulkhead takes them: largest first, UPLOADS at once.
bundle_blob_uploads() {
  # shellcheck disable=SC2016 # expanded by the inner bash.
  find "$BUNDLE/blobs/sha256" -type f -printf '%s %p\n' | sort -rn | cut -d' ' -f2- \
    | xargs -P "$UPLOADS" -n 1 bash -c 'ceiling_upload "$0" "sha256:${0##*/}"'
}
UPLOADS=$(( 2 * $(nproc) ))
export -f ceiling_upload ceiling_uploads_side_by_side bundle_blob_uploads
export BUNDLE WORK NS ceiling_digest ceiling2_digest UPLOADS

# The rerun again, with the workspace's broker kept running by `mirrorseed broker` (its start not
# timed, nor its memory counted: it is the broker's own process). One push goes first, untimed: a
# broker kept running has served pushes before, and the first after its start pays its warm-up.
mirrorseed_push_on_running_broker() {
  "${MIRRORSEED[@]}" broker --workspace "$WORK/ws" 2> "$WORK/broker.err" &
  broker_pid=$!
  await_line "$WORK/broker.err" '^kafka ready at ' "mirrorseed broker" "$broker_pid"
  "${MIRRORSEED[@]}" push --source "$BUNDLE" --private-registry "$REG/$NS" --workspace "$WORK/ws" \
    > "$WORK/last.log" 2>&1 || { tail -n 20 "$WORK/last.log" >&2; exit 1; }
  mirrorseed_push "rerun, broker up" keep
  kill -TERM "$broker_pid"
  wait "$broker_pid"
  broker_pid=
}
run_mirrorseed() {
  fresh_registry
  mirrorseed_push cold
  mirrorseed_push warm
  mirrorseed_push rerun keep
  mirrorseed_push_on_running_broker
  drop_registry
}
run_skopeo() {
  fresh_registry
  measure "skopeo seq cold" "$unique_bytes" env REG="$REG" bash -c 'skopeo_copy 1'
  measure "skopeo seq warm" "$unique_bytes" env REG="$REG" bash -c 'skopeo_copy 1'
  drop_registry
  fresh_registry
  measure "skopeo x2 cold" "$unique_bytes" env REG="$REG" bash -c 'skopeo_copy 2'
  drop_registry
}

for round in $(seq 1 "$ROUNDS"); do
  echo "round $round" >&2
  if (( round % 2 )); then
    run_mirrorseed
    run_skopeo
  else
    run_skopeo
    run_mirrorseed
  fi
  fresh_registry
  # shellcheck disable=SC2016 # expanded by the inner bash.
  measure "curl ceiling" "$ceiling_bytes" env REG="$REG" \
    bash -c 'ceiling_upload "$WORK/ceiling.blob" "$ceiling_digest"'
  drop_registry
  fresh_registry
  measure "curl x2 ceiling" "$(( 2 * ceiling_bytes ))" env REG="$REG" bash -c ceiling_uploads_side_by_side
  drop_registry
  fresh_registry
  measure "curl bundle blobs" "$bundle_file_bytes" env REG="$REG" bash -c bundle_blob_uploads
  drop_registry
done

echo "medians over $ROUNDS rounds ($unique_bytes unique blob bytes, ceiling blobs $ceiling_bytes bytes each):"
median() { # kind column
  awk -F'\t' -v k="$1" -v c="$2" '$1 == k { print $c }' "$results" | sort -n \
    | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
cut -f1 "$results" | awk '!seen[$0]++' | while IFS= read -r kind; do
  printf '%-28s %7.2f s %8.1f MB/s %6s MB RSS\n' "$kind" "$(median "$kind" 2)" "$(median "$kind" 3)" \
    "$(median "$kind" 4)"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "time mirrorseed cold / skopeo seq cold:  $(ratio "$(median 'mirrorseed cold' 2)" "$(median 'skopeo seq cold' 2)")"
echo "time mirrorseed cold / skopeo x2 cold:   $(ratio "$(median 'mirrorseed cold' 2)" "$(median 'skopeo x2 cold' 2)")"
echo "time mirrorseed warm / skopeo seq warm:  $(ratio "$(median 'mirrorseed warm' 2)" "$(median 'skopeo seq warm' 2)")"
echo "time mirrorseed rerun / skopeo seq warm: $(ratio "$(median 'mirrorseed rerun' 2)" "$(median 'skopeo seq warm' 2)")"
echo "time mirrorseed rerun, broker up / skopeo seq warm: $(ratio "$(median 'mirrorseed rerun, broker up' 2)" \
  "$(median 'skopeo seq warm' 2)")"
echo "MB/s mirrorseed cold / curl ceiling:     $(ratio "$(median 'mirrorseed cold' 3)" "$(median 'curl ceiling' 3)")"
echo "MB/s mirrorseed cold / curl x2 ceiling:  $(ratio "$(median 'mirrorseed cold' 3)" "$(median 'curl x2 ceiling' 3)")"
column_median() { cut -f"$1" "$WORK/pushing.tsv" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf 'mirrorseed cold, pushing:    began %.2f s into the run, lasted %.2f s, %.1f MB/s (medians)\n' \
  "$(column_median 1)" "$(column_median 2)" "$(column_median 3)"
echo "MB/s mirrorseed cold while pushing / curl ceiling: $(ratio "$(column_median 3)" "$(median 'curl ceiling' 3)")"
echo "MB/s mirrorseed cold while pushing / curl x2 ceiling: $(ratio "$(column_median 3)" \
  "$(median 'curl x2 ceiling' 3)")"
echo "MB/s mirrorseed cold while pushing / curl bundle blobs: $(ratio "$(column_median 3)" \
  "$(median 'curl bundle blobs' 3)")"
echo "bytes uploaded by mirrorseed per run:"
cat "$WORK/uploaded"
rm -rf "$WORK/ws" "$WORK/ceiling.blob" "$WORK/ceiling2.blob"
