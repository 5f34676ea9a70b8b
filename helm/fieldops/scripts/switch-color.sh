#!/usr/bin/env bash
# Blue/green switch (and rollback) for FieldOps360 that keeps every tenant (docs/deployment.md).
#
#   switch-color.sh --namespace fieldops --to green [--router-release fieldops]
#                   [--chart helm/fieldops] [--values "-f values-prod.yaml -f values-router.yaml"]
#                   [--smoke-tenant demo] [--timeout 600s]
#   switch-color.sh --namespace fieldops --wipe green     # before deploying the idle colour
#
# Releases: "<router>-blue" and "<router>-green" (mode app) run the two colours; "<router>" (mode
# router) owns the stable Service and the Ingress. The switch to <to> (a deploy, or a rollback to
# the previous colour, which is then at 0 replicas):
#   1. prepares the target: if it has no ready pod, wipes its volumes and scales it up — its restore
#      init container seeds it from the active colour's replicas and refuses databases migrated by a
#      release its binary cannot read (rollback refused, nothing frozen) —; smoke-tests it (HTTP,
#      and a real tenant read and written);
#   2. freezes the active colour: scales it to 0 (serve drains, the replicate sidecar does its
#      final sync); from here no colour accepts writes;
#   3. verifies the final sync: on each frozen volume, `fieldops backup verify-sync` (one pod per
#      shard): every database's local position equals its replica's, or the switch is abandoned;
#   4. reseeds the target from the now-complete replicas (wipe, scale up, atomic restore);
#   5. compares tenant counts (frozen volume vs target) and smoke-tests a real tenant on every
#      target shard, then points the stable Service at the target and checks its endpoints;
#   6. smoke-tests through the stable Service; prints the write freeze (step 2 to here).
# Any failure after step 2 rolls back: the previous colour is scaled up again (its volumes are
# intact), verified (ready, smoke test) and the stable Service is pointed back at it.
# Exit codes: 0 switched, 1 failed (rolled back, or refused before the freeze), 2 usage.
# KUBECTL and HELM may name other binaries (check-deploy's stubs, the end-to-end test's local
# processes: scripts/chaos/bluegreen_test.go).
set -Eeuo pipefail

KUBECTL=${KUBECTL:-kubectl}
HELM=${HELM:-helm}
ns="" to="" wipe="" router="fieldops" chart="$(cd "$(dirname "$0")/.." && pwd)" values="" smoke_tenant="" timeout=600s

usage() { sed -n '2,30p' "$0" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --namespace|-n) ns=$2; shift 2 ;;
    --to) to=$2; shift 2 ;;
    --wipe) wipe=$2; shift 2 ;;
    --router-release) router=$2; shift 2 ;;
    --chart) chart=$2; shift 2 ;;
    --values) values=$2; shift 2 ;;
    --smoke-tenant) smoke_tenant=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    -h|--help) usage ;;
    *) echo "switch-color: unknown argument $1" >&2; usage ;;
  esac
done
[ -n "$ns" ] || usage
color=${to:-$wipe}
case "$color" in blue) from=green ;; green) from=blue ;; *) echo "switch-color: --to/--wipe must be blue or green" >&2; exit 2 ;; esac

log() { printf '%s switch-color: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
k() { "$KUBECTL" -n "$ns" "$@"; }

target_sts="$router-$color"
active_sts="$router-$from"

shards() { k get statefulset "$1" -o jsonpath='{.spec.replicas}'; }
ready_pods() { k get statefulset "$1" -o jsonpath='{.status.readyReplicas}'; }
active_color() { k get service "$router" -o jsonpath='{.spec.selector.fieldops\.io/color}'; }
domain() { k get configmap "$target_sts" -o jsonpath='{.data.FIELDOPS_DOMAIN}'; }
slugs() { sed 's/[{,]/\n/g' | sed -n 's/^ *"slug": *"\([a-z0-9-]*\)".*/\1/p'; }
# tenants_on POD: the tenants the pod's control plane lists (deleted ones excepted)
tenants_on() { k exec "$1" -c serve -- fieldops tenant list --json | sed 's/},{/}\n{/g' | grep -v '"status": *"deleted"' | slugs; }

scale() {
  k scale "statefulset/$1" --replicas "$2"
  if [ "$2" = 0 ]; then
    k wait --for=delete pod -l "app.kubernetes.io/instance=$1" --timeout "$timeout" || true
  fi
}

wait_ready() {
  if ! k rollout status "statefulset/$1" --timeout "$timeout"; then
    log "$1 is not ready; its restore init container said:"
    k logs "$1-0" -c restore --tail 30 >&2 || true
    return 1
  fi
}

# wipe_and_seed STS N: drop the colour's volumes, scale it up: its restore init container seeds it.
wipe_and_seed() {
  scale "$1" 0
  for i in $(seq 0 $(($2 - 1))); do k delete pvc "data-$1-$i" --ignore-not-found --wait=true; done
  scale "$1" "$2"
  wait_ready "$1"
}

# smoke STS SERVICE: HTTP through SERVICE (from a pod of STS), then a real tenant read and written
# on every pod of STS (`fieldops tenant smoke`).
smoke() {
  local sts=$1 svc=$2 base d tenant code i
  base="http://$svc.$ns.svc"
  d=$(domain)
  k exec "$sts-0" -c serve -- curl -fsS -o /dev/null --max-time 5 "$base/healthz"
  k exec "$sts-0" -c serve -- curl -fsS -o /dev/null --max-time 5 "$base/readyz"
  code=$(k exec "$sts-0" -c serve -- curl -sS -o /dev/null -w '%{http_code}' --max-time 10 -H "Host: $d" "$base/")
  [ "$code" = 200 ] || { log "platform page answered $code"; return 1; }
  for i in $(seq 0 $((n - 1))); do
    tenant=$smoke_tenant
    [ -n "$tenant" ] || tenant=$(tenants_on "$sts-$i" | head -n 1)
    [ -n "$tenant" ] || { log "$sts-$i lists no tenant"; return 1; }
    k exec "$sts-$i" -c serve -- fieldops tenant smoke "$tenant" >&2
    if [ "$i" = 0 ]; then
      code=$(k exec "$sts-0" -c serve -- curl -sS -o /dev/null -w '%{http_code}' --max-time 10 -H "Host: $tenant.$d" "$base/")
      case "$code" in 200|302|303) ;; *) log "tenant $tenant answered $code"; return 1 ;; esac
    fi
  done
  code=$(k exec "$sts-0" -c serve -- curl -sS -o /dev/null -w '%{http_code}' --max-time 10 -H "Host: no-such-tenant-smoke.$d" "$base/")
  [ "$code" = 404 ] || { log "unknown host answered $code (dispatcher?)"; return 1; }
  log "smoke tests passed on $svc (tenant: ${tenant:-none})"
}

# verify_sync STS I: `fieldops backup verify-sync` in a one-off pod on the frozen volume data-STS-I,
# with the StatefulSet's image, settings and credentials; prints the tenant count.
verify_sync() {
  local sts=$1 i=$2 image sc csc envfrom env out
  image=$(k get statefulset "$sts" -o jsonpath='{.spec.template.spec.containers[?(@.name=="serve")].image}')
  sc=$(k get statefulset "$sts" -o jsonpath='{.spec.template.spec.securityContext}')
  csc=$(k get statefulset "$sts" -o jsonpath='{.spec.template.spec.containers[?(@.name=="serve")].securityContext}')
  envfrom=$(k get statefulset "$sts" -o jsonpath='{.spec.template.spec.initContainers[?(@.name=="replicate")].envFrom}')
  env=$(k get statefulset "$sts" -o jsonpath='{.spec.template.spec.initContainers[?(@.name=="replicate")].env}')
  # the pod has no ordinal label: $(POD_INDEX) is this shard's number
  [ -n "$sc" ] || sc='{}'
  [ -n "$csc" ] || csc='{}'
  [ -n "$envfrom" ] || envfrom='[]'
  env=$(printf '%s' "${env:-[]}" | sed "s/\$(POD_INDEX)/$i/g")
  out=$(k run "verify-sync-$sts-$i" --restart=Never --rm -i --quiet --image "$image" --overrides "$(printf \
    '{"apiVersion":"v1","spec":{"automountServiceAccountToken":false,"securityContext":%s,"containers":[{"name":"verify","image":"%s","args":["backup","verify-sync","--json","--dir","/data"],"envFrom":%s,"env":%s,"securityContext":%s,"volumeMounts":[{"name":"data","mountPath":"/data"}]}],"volumes":[{"name":"data","persistentVolumeClaim":{"claimName":"data-%s-%s"}}]}}' \
    "$sc" "$image" "$envfrom" "$env" "$csc" "$sts" "$i")") || { printf '%s\n' "$out" >&2; return 1; }
  printf '%s\n' "$out" | sed -n 's/^ *"tenants": *\([0-9]*\).*/\1/p' | head -n 1
}

if [ -n "$wipe" ]; then
  [ "$(active_color)" != "$wipe" ] || { log "$wipe is the active colour: refusing to wipe it"; exit 1; }
  log "wiping the idle colour $target_sts (scaled to 0, volumes deleted)"
  if k get statefulset "$target_sts" >/dev/null 2>&1; then scale "$target_sts" 0; fi
  k delete pvc -l "app.kubernetes.io/instance=$target_sts" --ignore-not-found --wait=true
  exit 0
fi

current=$(active_color)
log "active colour: ${current:-none}; switching to $to"
[ "$current" != "$to" ] || { log "$to is already active"; exit 0; }

active_n=$(shards "$active_sts" 2>/dev/null || echo 0)
n=$(shards "$target_sts")
[ "${n:-0}" -gt 0 ] || n=$active_n
[ "${active_n:-0}" -gt 0 ] || { log "$active_sts has no replicas: nothing to switch from"; exit 1; }

log "step 1: $target_sts seeded from $from's replicas, ready and healthy"
if [ "$(ready_pods "$target_sts")" != "$n" ]; then
  wipe_and_seed "$target_sts" "$n" || { log "refused before the freeze: $target_sts did not come up (see above); $from still serves"; exit 1; }
fi
wait_ready "$target_sts"
smoke "$target_sts" "$target_sts" || { log "refused before the freeze: $target_sts failed its smoke tests; $from still serves"; exit 1; }

frozen=0 switched=0
rollback() {
  # a command substitution that failed: its caller rolls back
  [ "$BASH_SUBSHELL" = 0 ] || exit 1
  trap - ERR
  set +e
  log "FAILED: rolling back to $from"
  if [ "$frozen" = 1 ]; then
    scale "$active_sts" "$active_n"
    wait_ready "$active_sts" || log "$active_sts did not become ready: look at its pods"
  fi
  if [ "$switched" = 1 ] || [ "$(active_color)" != "$from" ]; then
    route_to "$from" || log "could not point the stable Service back to $from: do it by hand"
  fi
  target_sts=$active_sts smoke "$active_sts" "$router" || log "$from answers, but its smoke test failed: look at it now"
  exit 1
}
route_to() {
  # shellcheck disable=SC2086 # $values holds several -f options
  "$HELM" upgrade "$router" "$chart" -n "$ns" --reuse-values $values --set "router.activeColor=$1" --wait --timeout "$timeout"
  local got pods
  got=$(active_color)
  [ "$got" = "$1" ] || { log "stable Service selects '$got', expected '$1'"; return 1; }
  pods=$(k get endpointslices -l "kubernetes.io/service-name=$router" -o jsonpath='{range .items[*].endpoints[*]}{.targetRef.name}{"\n"}{end}')
  [ -n "$pods" ] || { log "stable Service has no endpoints"; return 1; }
  if printf '%s\n' "$pods" | grep -v "^$router-$1-" >/dev/null; then
    log "stable Service still has endpoints outside $1: $(printf '%s ' "$pods")"; return 1
  fi
}
trap rollback ERR

log "step 2: freeze $active_sts (drain, final sync of its replicas)"
frozen=1
freeze_start=$(date +%s%N)
scale "$active_sts" 0

log "step 3: verify the final sync of every frozen volume"
declare -a want
for i in $(seq 0 $((active_n - 1))); do
  want[i]=$(verify_sync "$active_sts" "$i")
  log "data-$active_sts-$i: every database in its replica (${want[i]} tenants)"
done

log "step 4: reseed $target_sts from the frozen replicas"
wipe_and_seed "$target_sts" "$n"

log "step 5: compare tenant counts, smoke $target_sts, switch the stable Service"
for i in $(seq 0 $((n - 1))); do
  got=$(tenants_on "$target_sts-$i" | wc -l | tr -d ' ')
  [ "$got" = "${want[i]:-0}" ] || { log "$target_sts-$i lists $got tenants, the frozen volume held ${want[i]:-0}"; false; }
done
smoke "$target_sts" "$target_sts"
switched=1
route_to "$to"

log "step 6: smoke through the stable Service"
smoke "$target_sts" "$router"
trap - ERR
freeze_ms=$((($(date +%s%N) - freeze_start) / 1000000))
log "write freeze: ${freeze_ms} ms (freeze, final-sync check, reseed, checks, switch)"
echo "freeze_ms=$freeze_ms"
log "done: $to serves; $from is scaled to 0 (its volumes are stale: wipe it before deploying it again)"
