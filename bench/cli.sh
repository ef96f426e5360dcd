# Sourced by each bench, from the project root: MIRRORSEED is the CLI's command line as ./mirrorseed
# runs it (scripts/cli-java.sh), without the launcher's is-the-build-stale check, JAVA the same java for
# the bench's other Java tools, and the bench's output starts by saying which Java that is.
# shellcheck source=scripts/cli-java.sh
source scripts/cli-java.sh
MIRRORSEED=("${CLI_COMMAND[@]}")
echo "mirrorseed runs on $CLI_RUNTIME"
