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
