# Sourced by each bench, from the project root: MIRRORSEED is the CLI's command line as ./mirrorseed
# runs it (scripts/cli-java.sh), without the launcher's is-the-build-stale check, JAVA the same java for
# the bench's other Java tools, and the bench's output starts by saying which Java that is; await_line
# waits for a process the bench started to say it is ready.
# shellcheck source=scripts/cli-java.sh
source scripts/cli-java.sh
MIRRORSEED=("${CLI_COMMAND[@]}")
echo "mirrorseed runs on $CLI_RUNTIME"
await_line() { # file pattern what pid: waits until a started process has printed a line
  for _ in $(seq 1 600); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$4" 2>/dev/null || { echo "$3 exited early:" >&2; tail -n 20 "$1" "$1.err" >&2 2>/dev/null; exit 1; }
    sleep 0.1
  done
  echo "$3 not ready within 60 s" >&2
  exit 1
}
