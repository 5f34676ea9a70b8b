#!/usr/bin/env bash
# DAST: starts the demo (bin/fieldops demo, loopback only, throwaway data directory), signs in as
# the demo tenant's administrator (the widest set of pages and forms), crawls and attacks it with
# wapiti (Debian package; scripts/dast/wapiti.py), bounded in time, then triages the findings
# against scripts/dast/accepted.json (scripts/dast/triage.py): exit 1 on any finding not triaged
# there, or when the crawl did not get past the sign-in page.
#
#   scripts/dast/run.sh [BIN]        (make check-dast; ci.yml job "dast")
#
# Env: DAST_PORT (18392), DAST_OUT (.cache/dast), DAST_MAX_SCAN (crawl budget, 150 s),
# DAST_MAX_ATTACK (per attack module, 20 s). About 5 minutes on 2 cores; findings and their triage:
# docs/security/dast-findings.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${1:-$ROOT/bin/fieldops}
PORT=${DAST_PORT:-18392}
OUT=${DAST_OUT:-$ROOT/.cache/dast}
MAX_SCAN=${DAST_MAX_SCAN:-150}
MAX_ATTACK=${DAST_MAX_ATTACK:-20}
BASE="http://demo.localhost:$PORT"
MODULES=cookieflags,csp,http_headers,exec,file,sql,xss,permanentxss,redirect,crlf,methods,csrf,htaccess,shellshock

[ -x "$BIN" ] || { echo "no $BIN: run make build first" >&2; exit 2; }
command -v wapiti >/dev/null || { echo "wapiti missing: apt-get install --no-install-recommends wapiti" >&2; exit 2; }
rm -rf "$OUT" && mkdir -p "$OUT"
"$BIN" demo --dir "$OUT/data" --http "127.0.0.1:$PORT" > "$OUT/server.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 90); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { tail -20 "$OUT/server.log" >&2; exit 1; }
  sleep 1
done
curl -fsS -o /dev/null -c "$OUT/jar" -H "Origin: $BASE" --data-urlencode email=admin@demo.fieldops360.fr \
  --data-urlencode password=fieldops-demo --data-urlencode next= "$BASE/login"
cookie=$(awk '$6 == "fieldops_session" {print $7}' "$OUT/jar")
[ -n "$cookie" ] || { echo "sign-in failed: no session cookie" >&2; exit 1; }

# The app's CSRF defence is token-less (net/http CrossOriginProtection: Sec-Fetch-Site / Origin,
# plus SameSite=Lax cookies), which wapiti's csrf module cannot see (it looks for token fields:
# DAST-4). Prove the defence instead: a cross-site POST with the session must be refused.
post() { curl -s -o /dev/null -w '%{http_code}' -b "fieldops_session=$cookie" "$@" --data 'email=x@example.org' "$BASE/users/invite"; }
cross=$(post -H 'Sec-Fetch-Site: cross-site')
origin=$(post -H 'Origin: http://evil.example')
same=$(post -H 'Sec-Fetch-Site: same-origin')
echo "CSRF probe POST /users/invite: cross-site $cross, foreign Origin $origin, same-origin $same"
if [ "$cross" != 403 ] || [ "$origin" != 403 ] || [ "$same" = 403 ]; then
  echo "CSRF: cross-site requests are not refused (want 403, 403 and not 403)" >&2
  exit 1
fi

t0=$(date +%s)
# -x: never sign out (the session is the scan's), never switch language (doubles every page)
timeout $((MAX_SCAN + 20 * MAX_ATTACK + 120)) /usr/bin/python3 "$ROOT/scripts/dast/wapiti.py" \
  -u "$BASE/" -s "$BASE/dashboard" --scope domain -H "Cookie: fieldops_session=$cookie" \
  -x "$BASE/logout*" -x "$BASE/lang/*" -m "$MODULES" -d 3 --max-links-per-page 40 --max-files-per-dir 30 \
  --max-scan-time "$MAX_SCAN" --max-attack-time "$MAX_ATTACK" -t 10 --flush-session \
  --store-session "$OUT/session" --store-config "$OUT/config" --no-bugreport \
  -f json -o "$OUT/report.json" -v 1 > "$OUT/wapiti.log" 2>&1
echo "wapiti: $(( $(date +%s) - t0 ))s, $(sed -n 's/.*Wapiti found \([0-9]*\) URLs.*/\1/p' "$OUT/wapiti.log") URLs and forms; report $OUT/report.json"
python3 "$ROOT/scripts/dast/triage.py" "$OUT/report.json" "$ROOT/scripts/dast/accepted.json" "$OUT/wapiti.log"
