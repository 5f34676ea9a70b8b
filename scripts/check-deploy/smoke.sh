#!/usr/bin/env bash
# End-to-end smoke test of a running FieldOps360 (any environment, or a local install):
#   smoke.sh BASE_URL [TENANT_SLUG]
#   smoke.sh https://staging.fieldops360.fr demo
#   smoke.sh http://localhost:18190 ansible-test
# Checks /healthz and /readyz, the platform page on <domain>, a tenant's page on <slug>.<domain>
# (200, or a redirect to its login), and that an unknown tenant host is refused (404).
# Tenant hosts are reached through --connect-to, so no DNS entry is needed. Exit 0 ok, 1 failed.
set -euo pipefail
base=${1:?usage: smoke.sh BASE_URL [TENANT_SLUG]}
tenant=${2:-}
base=${base%/}
scheme=${base%%://*}
hostport=${base#*://}
host=${hostport%%:*}
port=${hostport##*:}
[ "$port" != "$hostport" ] || port=$([ "$scheme" = https ] && echo 443 || echo 80)
fail=0
check() { # name expected-codes url [curl args...]
  local name=$1 want=$2 url=$3 code
  shift 3
  code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 15 "$@" "$url" || echo 000)
  if [[ " $want " == *" $code "* ]]; then
    echo "ok    $name ($code)"
  else
    echo "FAIL  $name: got $code, want $want ($url)"
    fail=1
  fi
}
via() { echo "--connect-to" "$1.$host:$port:$host:$port"; }
check "healthz" 200 "$base/healthz"
check "readyz" 200 "$base/readyz"
check "platform page" 200 "$base/"
if [ -n "$tenant" ]; then
  # shellcheck disable=SC2046 # via prints two arguments
  check "tenant $tenant" "200 302 303" "$scheme://$tenant.$hostport/" $(via "$tenant")
fi
# shellcheck disable=SC2046
check "unknown tenant refused" 404 "$scheme://no-such-tenant-smoke.$hostport/" $(via no-such-tenant-smoke)
exit "$fail"
