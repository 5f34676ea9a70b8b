#!/usr/bin/env bash
# Vendors front-end files into assets/static (committed): the Datastar client
# from the pinned Go module (byte-identical to npm @starfederation/datastar
# 1.0.0-beta.11 dist/datastar.js). npm packages are added here when used.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3}
ds=$(go list -m -f '{{.Dir}}' github.com/starfederation/datastar)
install -m 0644 "$ds/bundles/datastar.js" assets/static/js/datastar.js
echo "assets: datastar $(cat "$ds/VERSION") → assets/static/js/datastar.js"
# Leaflet (maps) from npm, pinned in package.json; run `npm ci --ignore-scripts` first.
test -f node_modules/leaflet/dist/leaflet.js || { echo "assets: node_modules/leaflet missing, run npm ci --ignore-scripts" >&2; exit 1; }
mkdir -p assets/static/vendor/leaflet
install -m 0644 node_modules/leaflet/dist/leaflet.js assets/static/vendor/leaflet/leaflet.js
install -m 0644 node_modules/leaflet/dist/leaflet.css assets/static/vendor/leaflet/leaflet.css
echo "assets: leaflet $(node -p "require('./node_modules/leaflet/package.json').version" 2>/dev/null || echo '?') → assets/static/vendor/leaflet/"
# idb (IndexedDB outbox of the crew app) from npm, pinned in package.json.
mkdir -p assets/static/vendor/idb && install -m 0644 node_modules/idb/build/index.js assets/static/vendor/idb/idb.js && echo "assets: idb $(node -p "require('./node_modules/idb/package.json').version" 2>/dev/null || echo '?') → assets/static/vendor/idb/"
# signature_pad (crew signatures) from npm, pinned in package.json (ES module build).
mkdir -p assets/static/vendor/signature_pad && install -m 0644 node_modules/signature_pad/dist/signature_pad.js assets/static/vendor/signature_pad/signature_pad.js && echo "assets: signature_pad $(node -p "require('./node_modules/signature_pad/package.json').version" 2>/dev/null || echo '?') → assets/static/vendor/signature_pad/"
