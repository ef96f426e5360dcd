#!/usr/bin/env bash
# Installs what mirrorseed needs beyond Java and Maven, from Debian packages:
#   scripts/install-deps.sh              the demo's needs: a real registry (Debian's docker-registry,
#                                        CNCF distribution 2.8), skopeo as an independent client, curl,
#                                        and xz, which decodes .tar.xz bundles faster than the JVM can
#   scripts/install-deps.sh --for-tests  also what the tests start or call: htpasswd for registry auth,
#                                        openssl for the tests' certificate authority, tinyproxy as a
#                                        real HTTPS_PROXY, containerd (with ctr) as the client nodes pull
#                                        with, chromium to open the HTML report; and maps the tests' host
#                                        names to 127.0.0.1 in /etc/hosts
# Idempotent, and silent when everything is already there.
set -euo pipefail

FOR_TESTS=false
case "${1:-}" in
  --for-tests) FOR_TESTS=true ;;
  "") ;;
  *) echo "usage: $0 [--for-tests]" >&2; exit 2 ;;
esac

# command -> Debian package providing it
declare -A PACKAGE_OF=(
  [docker-registry]=docker-registry
  [skopeo]=skopeo
  [curl]=curl
  [xz]=xz-utils
)
if $FOR_TESTS; then
  PACKAGE_OF+=(
    [htpasswd]=apache2-utils
    [openssl]=openssl
    [tinyproxy]=tinyproxy
    [containerd]=containerd
    [chromium]=chromium
  )
fi

# Proxy tests must reach the registry by a name: Go clients (skopeo) and mirrorseed never send
# loopback addresses through a proxy. .test is reserved (RFC 2606): these names mean nothing elsewhere.
TEST_HOSTS=(registry.mirrorseed.test proxy.mirrorseed.test)

SUDO=()
as_root_or_exit() {
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo > /dev/null || { echo "need root (or sudo) to $1" >&2; exit 1; }
    SUDO=(sudo)
  fi
}

missing=()
for cmd in "${!PACKAGE_OF[@]}"; do
  command -v "$cmd" > /dev/null || missing+=("${PACKAGE_OF[$cmd]}")
done

if [[ ${#missing[@]} -gt 0 ]]; then
  echo "installing ${missing[*]}..." >&2
  as_root_or_exit "install: ${missing[*]}"
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

unmapped=()
$FOR_TESTS || TEST_HOSTS=()
for name in "${TEST_HOSTS[@]}"; do
  # Only an exact 127.0.0.1 line counts; a name mapped elsewhere is reported, not silently shadowed.
  grep -Eq "^127\.0\.0\.1[[:space:]](.*[[:space:]])?${name//./\\.}([[:space:]]|\$)" /etc/hosts \
    || unmapped+=("$name")
done
if [[ ${#unmapped[@]} -gt 0 ]]; then
  for name in "${unmapped[@]}"; do
    if grep -v '^[[:space:]]*#' /etc/hosts | grep -Eq "[[:space:]]${name//./\\.}([[:space:]]|\$)"; then
      echo "/etc/hosts maps $name to something other than 127.0.0.1: remove that line" >&2
      exit 1
    fi
  done
  as_root_or_exit "add ${unmapped[*]} to /etc/hosts"
  echo "127.0.0.1 ${unmapped[*]} # mirrorseed tests" | "${SUDO[@]}" tee -a /etc/hosts > /dev/null
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
