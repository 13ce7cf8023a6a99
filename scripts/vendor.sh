#!/usr/bin/env bash
# Refresh vendored front-end libraries in static/vendor/ from the npm registry (no bundler).
# Each library keeps its minified build, its licence and a VERSION file.
set -euo pipefail
cd "$(dirname "$0")/.."
CYTOSCAPE_VERSION=3.35.0

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "cytoscape@${CYTOSCAPE_VERSION}" >/dev/null && tar xzf cytoscape-*.tgz)
dest=static/vendor/cytoscape
rm -rf "$dest" && mkdir -p "$dest"
cp "$tmp/package/dist/cytoscape.min.js" "$dest/"
cp "$tmp/package/LICENSE" "$dest/LICENSE"
printf 'cytoscape.js %s (MIT) from the npm registry, dist/cytoscape.min.js\n' "$CYTOSCAPE_VERSION" > "$dest/VERSION"
echo "vendored cytoscape ${CYTOSCAPE_VERSION} into $dest"
