#!/usr/bin/env bash
# The project's one test command: installs what is missing, builds, checks the launcher on every JDK 17+
# under /usr/lib/jvm (scripts/launcher-check.sh), starts a real distribution
# registry and a real standalone Kafka broker, runs `mvn -B verify` against them (extra arguments are
# passed to Maven), and always stops what it started. Exits with Maven's status.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$ROOT"

REGISTRY_DIR="$ROOT/target/ci-registry"
KAFKA_DIR="$ROOT/target/ci-kafka"
KAFKA_READY_WITHIN=60
JAVA=java
[[ -z "${JAVA_HOME:-}" ]] || JAVA="$JAVA_HOME/bin/java"

phase_started=$SECONDS
phase() {
  echo "[test] $1 ($((SECONDS - phase_started)) s)" >&2
  phase_started=$SECONDS
}

kafka_pid=""
mvn_pid=""
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
  if [[ -n "$mvn_pid" ]] && kill -0 "$mvn_pid" 2>/dev/null; then
    kill -TERM "$mvn_pid" 2>/dev/null || true
    wait "$mvn_pid" 2>/dev/null || true
  fi
  if [[ -n "$kafka_pid" ]] && kill -0 "$kafka_pid" 2>/dev/null; then
    # SIGTERM: its shutdown hook stops the broker cleanly (SIGINT is ignored by background jobs).
    kill -TERM "$kafka_pid" 2>/dev/null || true
    wait "$kafka_pid" 2>/dev/null || true
  fi
  rm -f "$KAFKA_DIR.pid"
  scripts/registry.sh stop "$REGISTRY_DIR" || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

scripts/install-deps.sh --for-tests
phase "dependencies checked"

# As ./mirrorseed builds (mvn install, then the class archive), so the launcher check below finds it current.
scripts/build-if-stale.sh
phase "built"

# Each JDK once; launcher-check.sh skips those older than the CLI needs.
mapfile -t jdks < <(shopt -s nullglob; for java in /usr/lib/jvm/*/bin/java; do readlink -f "${java%/bin/java}"; done | sort -u)
scripts/launcher-check.sh "${jdks[@]}"
phase "launcher checked"

# Each run starts from empty state; a broker or registry left by a killed run is stopped first.
scripts/registry.sh stop "$REGISTRY_DIR"
# (The pid file may be old: only a process that still is our BrokerMain is stopped.)
stale_pid=$(cat "$KAFKA_DIR.pid" 2>/dev/null || true)
if [[ -n "$stale_pid" ]] && grep -qs BrokerMain "/proc/$stale_pid/cmdline"; then
  kill -TERM "$stale_pid"
  for _ in $(seq 1 100); do
    kill -0 "$stale_pid" 2>/dev/null || break
    sleep 0.1
  done
fi
rm -rf "$REGISTRY_DIR" "$KAFKA_DIR" "$KAFKA_DIR.out" "$KAFKA_DIR.log"

registry=$(scripts/registry.sh start "$REGISTRY_DIR")
phase "registry ready at $registry"

mkdir -p "$KAFKA_DIR"
"$JAVA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "cli/target/classes:cli/target/lib/*" \
  dev.mirrorseed.broker.BrokerMain --dir "$KAFKA_DIR" > "$KAFKA_DIR.out" 2> "$KAFKA_DIR.log" < /dev/null &
kafka_pid=$!
echo "$kafka_pid" > "$KAFKA_DIR.pid"
deadline=$((SECONDS + KAFKA_READY_WITHIN))
until grep -q '^kafka ready at ' "$KAFKA_DIR.out"; do
  if ! kill -0 "$kafka_pid" 2>/dev/null; then
    echo "kafka broker exited before it was ready; $KAFKA_DIR.log says:" >&2
    tail -n 20 "$KAFKA_DIR.log" >&2
    exit 1
  fi
  if ((SECONDS >= deadline)); then
    echo "kafka broker not ready within $KAFKA_READY_WITHIN s; see $KAFKA_DIR.log" >&2
    exit 1
  fi
  sleep 0.1
done
bootstrap=$(sed -n 's/^kafka ready at //p' "$KAFKA_DIR.out")
phase "kafka ready at $bootstrap"

export KAFKA_BOOTSTRAP_SERVERS="$bootstrap"
export MIRRORSEED_TEST_REGISTRY="$registry"
status=0
# In the background so that a signal to this script runs the traps at once, not after Maven ends.
mvn -B verify "$@" < /dev/null &
mvn_pid=$!
wait "$mvn_pid" || status=$?
mvn_pid=""
phase "mvn verify finished with status $status"
exit "$status"
