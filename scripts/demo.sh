#!/usr/bin/env bash
# The main job end to end: generates a sample bundle (6 images, 300 MB), pushes it with
#   ./mirrorseed push --source ... --private-registry $REGISTRY/demo ...
# and shows with skopeo, an independent client, that the mirror serves the images.
# REGISTRY=host:port picks a plain-HTTP registry; unset, a local one is started under demo-work/
# and left running. Extra arguments go to `mirrorseed push`. Rerunning resumes the same workspace.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$ROOT"
WORK=demo-work
JAVA=java
[[ -z "${JAVA_HOME:-}" ]] || JAVA="$JAVA_HOME/bin/java"

scripts/install-deps.sh
# The bundle generator runs from the build too, so build before the launcher would.
scripts/build-if-stale.sh

if [[ -z "${REGISTRY:-}" ]]; then
  REGISTRY=$(scripts/registry.sh start "$WORK/registry")
  echo "local registry at $REGISTRY (stop it with: scripts/registry.sh stop $WORK/registry)"
fi

if [[ ! -e "$WORK/bundle" ]]; then
  echo "generating a sample bundle in $WORK/bundle..."
  "$JAVA" -cp "fixtures/target/classes:cli/target/lib/*" dev.mirrorseed.fixtures.BundleGenerator \
    --images 6 --total 300M --largest 120M --out "$WORK/bundle"
fi

./mirrorseed push --source "$WORK/bundle" --private-registry "$REGISTRY/demo" \
  --workspace "$WORK/workspace" --report "$WORK/report.json" "$@"
echo "report: $WORK/report.json"

# Ask the registry itself what it now holds, then inspect one image with skopeo.
repository=$(curl -fsS "http://$REGISTRY/v2/_catalog" | grep -o '"demo/[^"]*"' | head -n 1 | tr -d '"')
if [[ -z "$repository" ]]; then
  echo "the registry lists no repository under demo/" >&2
  exit 1
fi
tag=$(curl -fsS "http://$REGISTRY/v2/$repository/tags/list" \
  | sed -n 's/.*"tags":\["\([^"]*\)".*/\1/p')
echo "skopeo inspect docker://$REGISTRY/$repository:$tag"
skopeo inspect --tls-verify=false "docker://$REGISTRY/$repository:$tag"
