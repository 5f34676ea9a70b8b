#!/usr/bin/env bash
# shellcheck disable=SC2015 # ok/ko always succeed: A && ok || ko is a safe if-then-else here
# Tests of helm/fieldops/scripts/switch-color.sh against stub kubectl/helm binaries that simulate a
# cluster (state in a scratch directory): the happy path, failures that must roll back, a rollback
# to the colour at 0 replicas, a rollback refused by the schema rule, --wipe.
# Prints "N passed, N failed"; exit 1 on any failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
script="$here/../../helm/fieldops/scripts/switch-color.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"

cat > "$work/bin/kubectl" <<'STUB'
#!/usr/bin/env bash
# stub kubectl: state in $STATE (replicas-<sts>, deleted-<sts>, reseeded, active, fail-* flags)
echo "kubectl $*" >> "$STATE/log"
args=" $* "
replicas() { cat "$STATE/replicas-$1" 2>/dev/null || echo "${2:-2}"; }
case "$args" in
  *" get service fieldops "*) cat "$STATE/active" ;;
  *" get statefulset "*readyReplicas*) sts=${args#* get statefulset }; sts=${sts%% *}; replicas "$sts" "$(cat "$STATE/ready-$sts" 2>/dev/null || echo 2)" ;;
  *" get statefulset "*".spec.replicas"*) sts=${args#* get statefulset }; sts=${sts%% *}; replicas "$sts" ;;
  *" get statefulset "*"image"*) echo ghcr.io/x/fieldops@sha256:0 ;;
  *" get statefulset "*"securityContext"*) echo '{"runAsNonRoot":true}' ;;
  *" get statefulset "*"envFrom"*) echo '[{"configMapRef":{"name":"fieldops-blue"}}]' ;;
  *" get statefulset "*".env}"*) echo '[{"name":"FIELDOPS_REPLICA","value":"s3://b/blue/shard-$(POD_INDEX)"}]' ;;
  *" get statefulset "*) exit 0 ;;
  *" get configmap "*) echo example.com ;;
  *" get endpointslices "*) c=$(cat "$STATE/active"); printf 'fieldops-%s-0\nfieldops-%s-1\n' "$c" "$c" ;;
  *" scale statefulset/"*)
    sts=${args#* scale statefulset/}; sts=${sts%% *}; n=${args##*--replicas }; n=${n%% *}
    echo "$n" > "$STATE/replicas-$sts"
    if [ "$n" != 0 ] && [ -e "$STATE/deleted-$sts" ]; then touch "$STATE/reseeded-$sts"; fi ;;
  *" delete pvc -l "*) touch "$STATE/wiped" ;;
  *" delete pvc "*) pvc=${args#* delete pvc data-}; pvc=${pvc%-[0-9]* *}; touch "$STATE/deleted-$pvc" ;;
  *" rollout status "*) sts=${args#*statefulset/}; sts=${sts%% *}
    if [ -e "$STATE/fail-seed" ] && [ -e "$STATE/reseeded-$sts" ]; then exit 1; fi ;;
  *" logs "*) echo "fieldops: rollback refused: acme: applied migrations this binary does not know: 1799999999_x.go" ;;
  *" run verify-sync-"*)
    [ -e "$STATE/fail-sync" ] && { echo '{"lagging":["acme"]}'; exit 1; }
    printf '{\n  "tenants": 1,\n  "lagging": []\n}\n' ;;
  *" tenant list "*) echo '[{"slug":"acme","name":"Acme","status":"active"},{"slug":"old","status":"deleted"}]' ;;
  *" tenant smoke "*) [ ! -e "$STATE/fail-tenant" ] ;;
  *" exec "*" curl "*)
    if [ -e "$STATE/fail-after-reseed" ] && [ -e "$STATE/reseeded-fieldops-green" ]; then code=500
    elif [ -e "$STATE/fail-stable" ] && [[ "$args" == *"http://fieldops.prod.svc"* ]] && [ "$(cat "$STATE/active")" = green ]; then code=503
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
[ $rc = 0 ] && [ "$(cat "$STATE/active")" = green ] && grep -q '^freeze_ms=' "$STATE/out" \
  && ok "switch to green succeeds, the stable Service selects green, the freeze is printed" \
  || { ko "happy path (rc=$rc)"; cat "$STATE/out"; }
freeze=$(grep -n 'scale statefulset/fieldops-blue --replicas 0' "$STATE/log" | head -1 | cut -d: -f1)
verify=$(grep -n 'run verify-sync-fieldops-blue-1' "$STATE/log" | head -1 | cut -d: -f1)
reseed=$(grep -n 'delete pvc data-fieldops-green-0' "$STATE/log" | head -1 | cut -d: -f1)
smoke=$(grep -n 'tenant smoke acme' "$STATE/log" | tail -1 | cut -d: -f1)
flip=$(grep -n 'helm upgrade fieldops /chart' "$STATE/log" | head -1 | cut -d: -f1)
[ -n "$freeze" ] && [ -n "$verify" ] && [ -n "$reseed" ] && [ -n "$flip" ] && [ "$freeze" -lt "$verify" ] && [ "$verify" -lt "$reseed" ] \
  && [ "$reseed" -lt "$flip" ] && [ "$flip" -lt "$smoke" ] \
  && ok "order: freeze blue, verify its final sync on both shards, reseed green, flip, tenant smoke" \
  || ko "order freeze<verify<reseed<flip<smoke ($freeze, $verify, $reseed, $flip, $smoke)"
grep -q '"claimName":"data-fieldops-blue-1"' "$STATE/log" && grep -q 'shard-1"' "$STATE/log" \
  && ok "verify-sync pod mounts the frozen volume with its shard's replica" || ko "verify-sync pod spec"

run smokefail fail-after-reseed; rc=$?
[ $rc = 1 ] && [ -e "$STATE/reseeded-fieldops-green" ] && ! grep -q 'helm upgrade' "$STATE/log" \
  && [ "$(cat "$STATE/active")" = blue ] && [ "$(cat "$STATE/replicas-fieldops-blue")" = 2 ] \
  && ok "failed smoke after reseed: stays on blue, blue scaled back up" || { ko "rollback before switch (rc=$rc)"; cat "$STATE/out"; }

run stablefail fail-stable; rc=$?
[ $rc = 1 ] && [ "$(grep -c 'helm upgrade' "$STATE/log")" = 2 ] \
  && [ "$(cat "$STATE/active")" = blue ] && [ "$(cat "$STATE/replicas-fieldops-blue")" = 2 ] \
  && ok "failed smoke through the stable Service: switched back to blue" || { ko "rollback after switch (rc=$rc)"; cat "$STATE/out"; }

run syncfail fail-sync; rc=$?
[ $rc = 1 ] && ! grep -q 'delete pvc' "$STATE/log" && [ "$(cat "$STATE/replicas-fieldops-blue")" = 2 ] \
  && [ "$(cat "$STATE/active")" = blue ] && grep -q 'lagging' "$STATE/out" \
  && ok "final sync not verified: green is not reseeded, blue scaled back up" || { ko "verify-sync failure (rc=$rc)"; cat "$STATE/out"; }

# rollback: green serves, blue (the previous colour) is at 0: it is seeded and started before the freeze
export STATE="$work/rollback"; mkdir -p "$STATE"; echo green > "$STATE/active"; echo 0 > "$STATE/replicas-fieldops-blue"
KUBECTL="$work/bin/kubectl" HELM="$work/bin/helm" "$script" --namespace prod --to blue --chart /chart --timeout 5s > "$STATE/out" 2>&1; rc=$?
up=$(grep -n 'scale statefulset/fieldops-blue --replicas 2' "$STATE/log" | head -1 | cut -d: -f1)
freeze=$(grep -n 'scale statefulset/fieldops-green --replicas 0' "$STATE/log" | head -1 | cut -d: -f1)
[ $rc = 0 ] && [ "$(cat "$STATE/active")" = blue ] && [ -n "$up" ] && [ -n "$freeze" ] && [ "$up" -lt "$freeze" ] \
  && ok "rollback: the previous colour is scaled up and seeded before green is frozen" || { ko "rollback (rc=$rc, up=$up freeze=$freeze)"; cat "$STATE/out"; }

# rollback refused by the old binary's schema check: green is never frozen
export STATE="$work/schema"; mkdir -p "$STATE"; echo green > "$STATE/active"; echo 0 > "$STATE/replicas-fieldops-blue"; touch "$STATE/fail-seed"
KUBECTL="$work/bin/kubectl" HELM="$work/bin/helm" "$script" --namespace prod --to blue --chart /chart --timeout 5s > "$STATE/out" 2>&1; rc=$?
[ $rc = 1 ] && ! grep -q 'scale statefulset/fieldops-green --replicas 0' "$STATE/log" && [ "$(cat "$STATE/active")" = green ] \
  && grep -q 'migrations this binary does not know' "$STATE/out" && grep -q 'refused before the freeze' "$STATE/out" \
  && ok "rollback refused by the schema rule: green keeps serving, the reason is shown" || { ko "schema refusal (rc=$rc)"; cat "$STATE/out"; }

export STATE="$work/wipe"; mkdir -p "$STATE"; echo blue > "$STATE/active"
KUBECTL="$work/bin/kubectl" HELM="$work/bin/helm" "$script" --namespace prod --wipe blue >/dev/null 2>&1; rc=$?
[ $rc = 1 ] && ! grep -q 'delete pvc' "$STATE/log" && ok "--wipe refuses the active colour" || ko "--wipe active (rc=$rc)"
KUBECTL="$work/bin/kubectl" HELM="$work/bin/helm" "$script" --namespace prod --wipe green >/dev/null 2>&1; rc=$?
[ $rc = 0 ] && grep -q 'delete pvc -l app.kubernetes.io/instance=fieldops-green' "$STATE/log" && ok "--wipe the idle colour" || ko "--wipe idle (rc=$rc)"

export STATE="$work/usage"; mkdir -p "$STATE"
KUBECTL="$work/bin/kubectl" HELM="$work/bin/helm" "$script" --namespace prod --to purple >/dev/null 2>&1; rc=$?
[ $rc = 2 ] && ok "bad colour is a usage error (exit 2)" || ko "bad colour exit $rc"

echo "switch-color: $pass passed, $failn failed"
[ "$failn" = 0 ]
