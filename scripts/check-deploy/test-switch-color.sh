#!/usr/bin/env bash
# shellcheck disable=SC2015 # ok/ko always succeed: A && ok || ko is a safe if-then-else here
# Tests of helm/fieldops/scripts/switch-color.sh against stub kubectl/helm binaries that simulate a
# cluster (state in a scratch directory): the happy path and two failures that must roll back.
# Prints "N passed, N failed"; exit 1 on any failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
script="$here/../../helm/fieldops/scripts/switch-color.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"

cat > "$work/bin/kubectl" <<'STUB'
#!/usr/bin/env bash
# stub kubectl: state in $STATE
echo "kubectl $*" >> "$STATE/log"
args=" $* "
case "$args" in
  *" get service fieldops "*) cat "$STATE/active" ;;
  *" get statefulset "*) echo 2 ;;
  *" get configmap "*) echo example.com ;;
  *" get endpointslices "*) c=$(cat "$STATE/active"); printf 'fieldops-%s-0\nfieldops-%s-1\n' "$c" "$c" ;;
  *" scale statefulset/"*)
    sts=${args#* scale statefulset/}; sts=${sts%% *}; n=${args##*--replicas }; n=${n%% *}
    echo "$n" > "$STATE/replicas-$sts"
    if [ "$n" != 0 ] && [ -e "$STATE/deleted-$sts" ]; then touch "$STATE/reseeded"; fi ;;
  *" delete pvc "*) pvc=${args#* delete pvc data-}; pvc=${pvc%-[0-9]* *}; touch "$STATE/deleted-$pvc" ;;
  *" tenant list "*) echo '[{"slug":"acme","name":"Acme"}]' ;;
  *" exec "*" curl "*)
    if [ -e "$STATE/fail-after-reseed" ] && [ -e "$STATE/reseeded" ]; then code=500
    elif [ -e "$STATE/fail-stable" ] && [[ "$args" == *"http://fieldops.prod.svc"* ]]; then code=503
    elif [[ "$args" == *"no-such-tenant-smoke"* ]]; then code=404
    elif [[ "$args" == *"Host: acme."* ]]; then code=302
    else code=200; fi
    if [[ "$args" == *"%{http_code}"* ]]; then echo "$code"; exit 0; fi
    [ "$code" = 200 ] ;;
  *) exit 0 ;;
esac
STUB
cat > "$work/bin/helm" <<'STUB'
#!/usr/bin/env bash
echo "helm $*" >> "$STATE/log"
for a in "$@"; do case "$a" in router.activeColor=*) echo "${a#*=}" > "$STATE/active" ;; esac; done
STUB
chmod +x "$work/bin/kubectl" "$work/bin/helm"

pass=0 failn=0
ok() { echo "ok    $1"; pass=$((pass + 1)); }
ko() { echo "FAIL  $1"; failn=$((failn + 1)); }
run() { # name setup-flag
  export STATE="$work/$1"
  mkdir -p "$STATE"
  echo blue > "$STATE/active"
  [ -z "${2:-}" ] || touch "$STATE/$2"
  KUBECTL="$work/bin/kubectl" HELM="$work/bin/helm" "$script" --namespace prod --to green \
    --chart /chart --timeout 5s > "$STATE/out" 2>&1
}

run happy; rc=$?
[ $rc = 0 ] && [ "$(cat "$STATE/active")" = green ] && ok "switch to green succeeds and the stable Service selects green" \
  || { ko "happy path (rc=$rc)"; cat "$STATE/out"; }
freeze=$(grep -n 'scale statefulset/fieldops-blue --replicas 0' "$STATE/log" | head -1 | cut -d: -f1)
reseed=$(grep -n 'delete pvc data-fieldops-green-0' "$STATE/log" | head -1 | cut -d: -f1)
flip=$(grep -n 'helm upgrade fieldops /chart' "$STATE/log" | head -1 | cut -d: -f1)
[ -n "$freeze" ] && [ -n "$reseed" ] && [ -n "$flip" ] && [ "$freeze" -lt "$reseed" ] && [ "$reseed" -lt "$flip" ] \
  && ok "order: freeze blue, reseed green, then flip the Service" || ko "order freeze<reseed<flip ($freeze, $reseed, $flip)"

run smokefail fail-after-reseed; rc=$?
[ $rc = 1 ] && [ -e "$STATE/reseeded" ] && ! grep -q 'helm upgrade' "$STATE/log" \
  && [ "$(cat "$STATE/active")" = blue ] && [ "$(cat "$STATE/replicas-fieldops-blue")" = 2 ] \
  && ok "failed smoke after reseed: stays on blue, blue scaled back up" || { ko "rollback before switch (rc=$rc)"; cat "$STATE/out"; }

run stablefail fail-stable; rc=$?
[ $rc = 1 ] && [ "$(grep -c 'helm upgrade' "$STATE/log")" = 2 ] \
  && [ "$(cat "$STATE/active")" = blue ] && [ "$(cat "$STATE/replicas-fieldops-blue")" = 2 ] \
  && ok "failed smoke through the stable Service: switched back to blue" || { ko "rollback after switch (rc=$rc)"; cat "$STATE/out"; }

export STATE="$work/usage"; mkdir -p "$STATE"
KUBECTL="$work/bin/kubectl" HELM="$work/bin/helm" "$script" --namespace prod --to purple >/dev/null 2>&1; rc=$?
[ $rc = 2 ] && ok "bad colour is a usage error (exit 2)" || ko "bad colour exit $rc"

echo "switch-color: $pass passed, $failn failed"
[ "$failn" = 0 ]
