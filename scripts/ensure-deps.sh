#!/usr/bin/env bash
# Installs Debian packages the build and tests need, only when missing.
# Usage: ensure-deps.sh [chromium] [node] [poppler] [libreoffice] [haproxy]
set -euo pipefail
need=()
command -v gcc >/dev/null || need+=(gcc libc6-dev)
command -v git >/dev/null || need+=(git)
for extra in "$@"; do
  case "$extra" in
    chromium) command -v chromium >/dev/null || need+=(chromium fonts-dejavu-core) ;;
    node) command -v node >/dev/null || need+=(nodejs npm) ;;
    poppler) command -v pdftotext >/dev/null || need+=(poppler-utils) ;;
    # Calc without its GUI: the browser tier opens the Excel reports with it
    libreoffice) command -v soffice >/dev/null || need+=(libreoffice-calc-nogui) ;;
    # the scale-out test's edge proxy (scripts/chaos/scaleout_test.go)
    haproxy) command -v haproxy >/dev/null || test -x /usr/sbin/haproxy || need+=(haproxy) ;;
  esac
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "installing: ${need[*]}"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
