# Sourced by each bench, from the project root: MIRRORSEED is the CLI as ./mirrorseed runs it (its JVM
# flags and class archive, from scripts/cli-java.sh) without the launcher's is-the-build-stale check,
# and the bench's output starts by saying which Java that is.
# shellcheck source=scripts/cli-java.sh
source scripts/cli-java.sh
MIRRORSEED=("$JAVA" "${CLI_JAVA_OPTS[@]}" -cp "$CLI_CLASSPATH" dev.mirrorseed.cli.Main)
echo "mirrorseed runs on $CLI_RUNTIME"
