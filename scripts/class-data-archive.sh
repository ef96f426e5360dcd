#!/usr/bin/env bash
# Writes cli/target/mirrorseed.jsa, a class data sharing archive of the classes a push loads while it
# starts (the CLI, the registry clients, the embedded Kafka broker): the JVM then maps them ready-made
# instead of loading and verifying thousands of classes from jars: a standalone broker (BrokerMain) was
# ready in 2.5-3.2 s with it against 4.3-5.5 s without, three starts each on this 2-core machine.
# The archive holds for these exact jars only; build-if-stale.sh remakes it after every build, and a
# JVM given a stale one just loads the classes as usual.
#   scripts/class-data-archive.sh   prints nothing; a failure leaves no archive, only a slower start
set -uo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
# shellcheck source=scripts/cli-java.sh
source "$ROOT/scripts/cli-java.sh"
ARCHIVE="$ROOT/cli/target/mirrorseed.jsa"
TRAINING=$(mktemp -d)
trap 'rm -rf "$TRAINING"' EXIT
rm -f "$ARCHIVE"

# A push that starts its broker and fails at its first contact with the registry (port 1 refuses):
# every class of that start-up is loaded, and nothing outside this machine is touched.
mkdir -p "$TRAINING/bundle"
"$JAVA" -XX:DumpLoadedClassList="$TRAINING/classes.lst" -XX:+UseSerialGC -cp "$CLI_CLASSPATH" dev.mirrorseed.cli.Main \
  push --source "$TRAINING/bundle" --private-registry 127.0.0.1:1/training --workspace "$TRAINING/workspace" \
  > /dev/null 2>&1 < /dev/null
"$JAVA" -Xshare:dump -XX:SharedClassListFile="$TRAINING/classes.lst" -XX:SharedArchiveFile="$ARCHIVE" \
  -XX:+UseSerialGC -cp "$CLI_CLASSPATH" > "$TRAINING/dump.log" 2>&1 || rm -f "$ARCHIVE"
