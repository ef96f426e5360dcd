#!/usr/bin/env bash
# Installs what the tests and the demo need beyond Java and Maven: a real registry (Debian's
# docker-registry, CNCF distribution 2.8), skopeo as an independent client, htpasswd for registry
# auth tests, curl for readiness checks. Idempotent, and silent when everything is already there.
set -euo pipefail

# command -> Debian package providing it
declare -A PACKAGE_OF=(
  [docker-registry]=docker-registry
  [skopeo]=skopeo
  [htpasswd]=apache2-utils
  [curl]=curl
)

missing=()
for cmd in "${!PACKAGE_OF[@]}"; do
  command -v "$cmd" > /dev/null || missing+=("${PACKAGE_OF[$cmd]}")
done

if [[ ${#missing[@]} -gt 0 ]]; then
  echo "installing ${missing[*]}..." >&2
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo > /dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    SUDO=(sudo)
  fi
  log=$(mktemp)
  # Package lists are refreshed once, and only because something is missing.
  if ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq > "$log" 2>&1 \
    || ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >> "$log" 2>&1 < /dev/null; then
    cat "$log" >&2
    rm -f "$log"
    echo "apt-get failed to install: ${missing[*]}" >&2
    exit 1
  fi
  rm -f "$log"
fi

JAVA=java
[[ -z "${JAVA_HOME:-}" ]] || JAVA="$JAVA_HOME/bin/java"
if ! command -v "$JAVA" > /dev/null; then
  echo "java not found: install a JDK 17 or newer (e.g. apt-get install openjdk-17-jdk-headless)" >&2
  exit 1
fi
# `java -version` prints e.g. 'openjdk version "17.0.15" 2025-04-15' (or "1.8.0_392" before 9).
java_major=$("$JAVA" -version 2>&1 | sed -n 's/.* version "\([0-9]*\)[."].*/\1/p' | head -n 1)
if [[ -z "$java_major" || "$java_major" -lt 17 ]]; then
  echo "java 17 or newer is required, found: $("$JAVA" -version 2>&1 | head -n 1)" >&2
  exit 1
fi
if ! command -v mvn > /dev/null; then
  echo "mvn not found: install Maven 3.8 or newer (e.g. apt-get install maven)" >&2
  exit 1
fi
