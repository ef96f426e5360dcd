#!/usr/bin/env bash
# Starts or stops a private CNCF distribution registry (Debian's docker-registry) for tests and demos:
#   scripts/registry.sh start DIR [PORT]   prints 127.0.0.1:PORT once /v2/ answers
#   scripts/registry.sh stop DIR
# Everything lives under DIR (config.yml, storage/, registry.log, pid, port), so several can run side
# by side. It listens on 127.0.0.1 only, over plain HTTP, without auth.
set -euo pipefail

usage() {
  echo "usage: $0 start DIR [PORT] | stop DIR" >&2
  exit 2
}

[[ $# -ge 2 ]] || usage
CMD=$1
DIR=$2
PORT=${3:-}

alive() {
  [[ -f "$DIR/pid" ]] && kill -0 "$(cat "$DIR/pid")" 2>/dev/null
}

# Whether something accepts connections on the port: then another registry there would answer our
# readiness check while ours fails to bind.
listening() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# A port nothing listens on; the registry itself reports a lost race, and start then tries another.
pick_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! listening "$port"; then
      echo "$port"
      return 0
    fi
  done
  echo "no free port found on 127.0.0.1" >&2
  return 1
}

write_config() {
  # The packaged /etc/docker/registry/config.yml listens on every interface and wants htpasswd.
  # No blob descriptor cache: with deletes enabled it can report blobs that are gone.
  cat > "$DIR/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $DIR/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$1
  secret: $(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
YAML
}

# Returns 0 once /v2/ answers, 1 if the registry died (e.g. its port was taken), 2 on timeout.
wait_ready() {
  local port=$1
  for _ in $(seq 1 300); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/v2/" 2>/dev/null; then
      return 0
    fi
    alive || return 1
    sleep 0.1
  done
  return 2
}

start() {
  DIR="$(mkdir -p "$DIR" && cd "$DIR" && pwd)"
  if alive; then
    # Already running (a rerun of a demo): reuse it.
    echo "127.0.0.1:$(cat "$DIR/port")"
    return 0
  fi
  mkdir -p "$DIR/storage"
  if [[ -n "$PORT" ]] && listening "$PORT"; then
    echo "port $PORT on 127.0.0.1 is already in use: choose another or omit it" >&2
    return 1
  fi
  local fixed=$PORT attempts=1 port status
  [[ -n "$fixed" ]] || attempts=5
  for _ in $(seq 1 "$attempts"); do
    port=${fixed:-$(pick_port)}
    write_config "$port"
    # A session of its own: the registry outlives this script and the caller's Ctrl-C; stop kills it.
    # setsid may fork, so the process records its own pid before becoming the registry.
    rm -f "$DIR/pid"
    # shellcheck disable=SC2016 # $$ and $0 are expanded by the inner shell.
    setsid bash -c 'echo $$ > "$0/pid"; exec docker-registry serve "$0/config.yml"' "$DIR" \
      >> "$DIR/registry.log" 2>&1 < /dev/null &
    for _ in $(seq 1 50); do
      [[ -s "$DIR/pid" ]] && break
      sleep 0.1
    done
    echo "$port" > "$DIR/port"
    status=0
    wait_ready "$port" || status=$?
    if [[ $status -eq 0 ]]; then
      echo "127.0.0.1:$port"
      return 0
    fi
    if [[ $status -eq 2 ]]; then
      stop
      echo "registry on 127.0.0.1:$port did not answer within 30 s; see $DIR/registry.log" >&2
      return 1
    fi
    rm -f "$DIR/pid"
  done
  echo "registry failed to start on 127.0.0.1:$port; last lines of $DIR/registry.log:" >&2
  tail -n 5 "$DIR/registry.log" >&2
  return 1
}

stop() {
  if alive; then
    local pid
    pid=$(cat "$DIR/pid")
    kill "$pid"
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$DIR/pid"
}

case "$CMD" in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
