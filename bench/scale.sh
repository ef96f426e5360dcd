#!/usr/bin/env bash
# Scale model (issue #7 item 5): how a cold seed's throughput grows with the number of workers when
# the registry is far away. A SlowLink relay (fixtures) in front of a fresh local registry adds
# DELAY_MS (default 20) before every request and caps every connection at LINK_BYTES_PER_SECOND
# (default 50000000) each way, so one connection cannot go faster than that and parallel ones add up.
#
# A worker is what DESIGN.md draws as `worker × N`: a member of the workers' consumer group, the unit
# that takes images off the requests topic. Measured two ways, each against a fresh registry and relay:
#   push xN  `mirrorseed push --workers N`: N group members as threads of one process on the embedded
#            broker, sharing one upload bulkhead (--max-concurrent-uploads, default 2 per core: 4 here)
#            and one ledger of blobs sent, so a layer several images share is sent once.
#   work xN  N `mirrorseed work --workers 1` processes on one standalone broker, then `produce` and
#            `verify --run`, timed from produce's start: the distributed form. Each process has a
#            bulkhead and a ledger of its own; a layer the request names as shared is waited for
#            where the earlier image's worker puts it, until the group has committed that image's
#            request, so it goes up once.
# A worker pushes up to 3 images at once (of different repositories) and sends each image's blobs side
# by side (BlobSender), so N=1 has more than one connection busy; the relay counts connections and
# exchanges (a request and its response) open at once, which is what the curve should be read against.
#
# Usage: bench/scale.sh [SIZE, default 512M] [ROUNDS, default 1]; environment: WORKERS (default
# "1 2 4"), MODES (default "push work"), LARGEST (one extra layer of the first image, default 0: a
# single large layer is a floor of LARGEST / LINK_BYTES_PER_SECOND no worker count removes), DELAY_MS,
# LINK_BYTES_PER_SECOND. Prints a row per run, then per mode and N the medians: wall seconds (the
# whole command, JVM and broker start included), push seconds (first push's start to last push's end,
# from the run report), MB/s over the push seconds (decimal MB of the unique blob bytes), its ratio to
# N=1, the relay's peak connections and exchanges at once, the exchanges in flight on average over the
# push seconds (the exchanges' durations added up over the push seconds), the requests relayed, and
# the MB uploaded (above the unique bytes when a layer went twice).
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$ROOT"
SIZE=${1:-512M}
ROUNDS=${2:-1}
WORKERS=${WORKERS:-1 2 4}
MODES=${MODES:-push work}
LARGEST=${LARGEST:-0}
DELAY_MS=${DELAY_MS:-20}
LINK_BYTES_PER_SECOND=${LINK_BYTES_PER_SECOND:-50000000}
WORK="$ROOT/target/bench-scale"

scripts/install-deps.sh
scripts/build-if-stale.sh
command -v jq > /dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq > /dev/null

# The CLI as ./mirrorseed runs it.
# shellcheck source=bench/cli.sh
source bench/cli.sh
NS=scale

# Everything started here is stopped by pid on exit, whatever happened.
pids=()
cleanup() {
  local pid dir
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  for dir in "$WORK"/reg-*; do
    [[ -d "$dir" ]] && scripts/registry.sh stop "$dir"
  done
  return 0
}
trap cleanup EXIT
stop_pids() { # pid...: stops processes this script started, and forgets them
  local pid kept=()
  kill -TERM "$@" 2>/dev/null || true
  for pid in "$@"; do
    wait "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    [[ " $* " == *" $pid "* ]] || kept+=("$pid")
  done
  pids=("${kept[@]}")
}

rm -rf "$WORK"
mkdir -p "$WORK"
echo "generating a $SIZE bundle..." >&2
BUNDLE="$WORK/bundle"
"$JAVA" -cp "fixtures/target/classes:cli/target/lib/*" dev.mirrorseed.fixtures.BundleGenerator \
  --images 20 --total "$SIZE" --largest "$LARGEST" --format oci-dir --out "$BUNDLE" | tail -n 1 >&2

# A fresh registry and a slow link in front of it: sets REG, REGDIR, LINK, LINK_PID.
run_n=0
fresh_target() {
  run_n=$((run_n + 1))
  REGDIR="$WORK/reg-$run_n"
  REG=$(scripts/registry.sh start "$REGDIR")
  "$JAVA" -XX:+UseSerialGC -cp fixtures/target/classes dev.mirrorseed.fixtures.SlowLink --backend "$REG" \
    --delay-ms "$DELAY_MS" --bytes-per-second "$LINK_BYTES_PER_SECOND" > "$WORK/link.out" 2> "$WORK/link.out.err" &
  LINK_PID=$!
  pids+=("$LINK_PID")
  await_line "$WORK/link.out" '^127\.0\.0\.1:' "the slow link" "$LINK_PID"
  LINK=$(head -n 1 "$WORK/link.out")
}
# Stops the link (which then prints its counts) and the registry: sets LINK_STATS.
drop_target() {
  stop_pids "$LINK_PID"
  LINK_STATS=$(tail -n 1 "$WORK/link.out")
  scripts/registry.sh stop "$REGDIR"
  rm -rf "$REGDIR"
}

BROKER=
start_broker() {
  mkdir -p "$WORK/kafka"
  "$JAVA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$CLI_CLASSPATH" dev.mirrorseed.broker.BrokerMain \
    --dir "$WORK/kafka" > "$WORK/kafka.out" 2> "$WORK/kafka.out.err" < /dev/null &
  local pid=$!
  pids+=("$pid")
  await_line "$WORK/kafka.out" '^kafka ready at ' "the kafka broker" "$pid"
  BROKER=$(sed -n 's/^kafka ready at //p' "$WORK/kafka.out")
}

results="$WORK/results.tsv"
: > "$results"
# Prints and records a run's row from its wall seconds, its report and the link's counts.
row() { # mode workers wall-seconds report
  local stat k v bytes uploaded span
  declare -A link=()
  for stat in $LINK_STATS; do
    k=${stat%%=*} v=${stat#*=}
    link[$k]=$v
  done
  # Push span: the earliest start (end minus duration) to the latest end over the run's results.
  read -r bytes uploaded span < <(jq -r '
    def t: (sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) + ((capture("(?<f>\\.[0-9]+)Z$").f // "0") | tonumber);
    [.results[].push | select(. != null) | (.at | t) as $done | [$done - .durationMillis / 1000, $done]] as $p
    | "\(.plan.bytes) \(.bytesUploaded) \(($p | map(.[1]) | max) - ($p | map(.[0]) | min))"' "$4")
  awk -v m="$1" -v n="$2" -v w="$3" -v b="$bytes" -v u="$uploaded" -v s="$span" -v r="${link[relayed]}" \
    -v c="${link[max-connections]}" -v f="${link[max-in-flight]}" -v e="${link[exchange-seconds]}" \
    'BEGIN { printf "%s\t%d\t%.2f\t%.2f\t%.1f\t%d\t%d\t%.2f\t%d\t%.1f\n", m, n, w, s, b / s / 1e6, c, f, e / s, r, u / 1e6 }' \
    | tee -a "$results" | awk -F'\t' '{ printf "%s x%d: %.2f s wall, %.2f s pushing, %.1f MB/s, %d conns, %d max in flight, %.2f avg, %d requests, %.1f MB up\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 }'
}

seconds_since() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN { printf "%.3f", e - s }'; }

run_push() { # workers
  fresh_target
  rm -rf "$WORK/ws"
  local start wall
  start=$(date +%s.%N)
  "${MIRRORSEED[@]}" push --source "$BUNDLE" --private-registry "$LINK/$NS" --workspace "$WORK/ws" \
    --workers "$1" --report "$WORK/report.json" > "$WORK/last.log" 2>&1 \
    || { echo "push x$1 failed:" >&2; tail -n 20 "$WORK/last.log" >&2; exit 1; }
  wall=$(seconds_since "$start")
  drop_target
  row push "$1" "$wall" "$WORK/report.json"
}

run_work() { # workers
  fresh_target
  local prefix="scale-$run_n" i start wall run workers=()
  for i in $(seq 1 "$1"); do
    "${MIRRORSEED[@]}" work --bootstrap-servers "$BROKER" --topic-prefix "$prefix" --workers 1 \
      > /dev/null 2> "$WORK/work-$i.log" < /dev/null &
    workers+=("$!")
    pids+=("$!")
  done
  "$JAVA" -cp "cli/target/lib/*" bench/GroupSettled.java "$BROKER" "$prefix-workers" "$1"
  start=$(date +%s.%N)
  run=$("${MIRRORSEED[@]}" produce --bootstrap-servers "$BROKER" --topic-prefix "$prefix" --source "$BUNDLE" \
    --private-registry "$LINK/$NS" --staging "$WORK/staging" 2> "$WORK/last.log") \
    || { echo "produce failed:" >&2; tail -n 20 "$WORK/last.log" >&2; exit 1; }
  "${MIRRORSEED[@]}" verify --bootstrap-servers "$BROKER" --topic-prefix "$prefix" --run "$run" \
    --report "$WORK/report.json" > "$WORK/last.log" 2>&1 \
    || { echo "verify --run $run failed:" >&2; tail -n 20 "$WORK/last.log" >&2; exit 1; }
  wall=$(seconds_since "$start")
  stop_pids "${workers[@]}"
  drop_target
  row work "$1" "$wall" "$WORK/report.json"
}

[[ " $MODES " != *" work "* ]] || start_broker
echo "link: ${DELAY_MS} ms per request, $((LINK_BYTES_PER_SECOND / 1000000)) MB/s per connection each way;" \
  "$(nproc) cores" >&2
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round" >&2
  for mode in $MODES; do
    for n in $WORKERS; do
      "run_$mode" "$n"
    done
  done
done

echo
echo "medians over $ROUNDS round(s); MB/s over the push seconds; ratio: to the same mode with ${WORKERS%% *} worker(s)"
printf '%-5s %7s %7s %7s %6s %6s %6s %9s %9s %8s %7s\n' mode workers 'wall s' 'push s' 'MB/s' ratio conns \
  'max-infl' 'avg-infl' requests 'MB up'
median() { # mode workers column
  awk -F'\t' -v m="$1" -v n="$2" -v c="$3" '$1 == m && $2 == n { print $c }' "$results" | sort -g \
    | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
for mode in $MODES; do
  base=$(median "$mode" "${WORKERS%% *}" 5)
  for n in $WORKERS; do
    printf '%-5s %7s %7.2f %7.2f %6.1f %6.2f %6d %9d %9.2f %8d %7.1f\n' "$mode" "$n" "$(median "$mode" "$n" 3)" \
      "$(median "$mode" "$n" 4)" "$(median "$mode" "$n" 5)" \
      "$(awk -v a="$(median "$mode" "$n" 5)" -v b="$base" 'BEGIN { printf "%.2f", a / b }')" \
      "$(median "$mode" "$n" 6)" "$(median "$mode" "$n" 7)" "$(median "$mode" "$n" 8)" "$(median "$mode" "$n" 9)" \
      "$(median "$mode" "$n" 10)"
  done
done
rm -rf "$WORK/ws" "$WORK/staging"
