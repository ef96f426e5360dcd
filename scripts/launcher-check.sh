#!/usr/bin/env bash
# Checks ./mirrorseed as users run it on each JDK given (a JAVA_HOME; none: the default java): that the
# launcher writes its class archive for that JDK, that the JVM really maps it (-Xshare:on or
# -XX:AOTMode=on make a JVM that cannot use it fail instead of starting slower; an AOT cache must hold
# picocli), and that stdout holds the command's output only (a JVM writes its warnings there).
# scripts/test.sh runs it on every JDK under /usr/lib/jvm; one older than 17, which cannot run the CLI,
# is skipped. Needs a build (scripts/build-if-stale.sh makes one).
#   scripts/launcher-check.sh [JAVA_HOME ...]   exits non-zero naming the first JDK that fails
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$ROOT"

check() {
  local name=$1 out
  (
    unset MIRRORSEED_JAVA_OPTS
    # shellcheck source=scripts/cli-java.sh
    source scripts/cli-java.sh
    if [[ -n "$JAVA_BUILD" ]] && ((JAVA_FEATURE < 17)); then
      echo "launcher check: $name is Java $JAVA_BUILD, which cannot run the CLI (17 or later): skipped" >&2
      exit 0
    fi
    # Writes the archive for this JDK if there is none yet; read again, the launcher's flags name it.
    scripts/build-if-stale.sh
    # shellcheck source=scripts/cli-java.sh
    source scripts/cli-java.sh
    if [[ -z "$CLI_ARCHIVE" || ! -f "$CLI_ARCHIVE" ]]; then
      echo "launcher check: no class archive for $name (${CLI_ARCHIVE:-its release file names no build})" >&2
      exit 1
    fi
    strict=(-Xshare:on)
    [[ "$CLI_ARCHIVE" != *.aot ]] || strict=(-XX:AOTMode=on)
    if ! out=$("$JAVA" "${CLI_JAVA_OPTS[@]}" "${strict[@]}" -cp "$CLI_CLASSPATH" dev.mirrorseed.cli.Main --version); then
      echo "launcher check: $name cannot start with its archive $CLI_ARCHIVE" >&2
      exit 1
    fi
    if ! [[ "$out" =~ ^mirrorseed\ [0-9][0-9A-Za-z.-]*$ ]]; then
      printf 'launcher check: %s printed %q on stdout, not just its version\n' "$name" "$out" >&2
      exit 1
    fi
    if [[ "$CLI_ARCHIVE" == *.aot ]]; then
      # An AOT cache holds picocli only once its class files are raised to Java 6 (RaiseClassVersion.java).
      loaded=$("$JAVA" "${CLI_JAVA_OPTS[@]}" -Xlog:class+load=info:stdout -cp "$CLI_CLASSPATH" dev.mirrorseed.cli.Main \
        --version)
      if [[ "$loaded" != *"picocli.CommandLine source: shared objects file"* ]]; then
        echo "launcher check: $name loads picocli from its jar, not from the AOT cache $CLI_ARCHIVE" >&2
        exit 1
      fi
    fi
    echo "launcher check: $name ($JAVA_BUILD) starts with $(basename "$CLI_ARCHIVE")" >&2
  )
}

if (($# == 0)); then
  check "the default java"
fi
for home in "$@"; do
  (
    export JAVA_HOME=$home
    check "$home"
  )
done
