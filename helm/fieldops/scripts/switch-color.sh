#!/usr/bin/env bash
# Blue/green switch for FieldOps360 (docs/deployment.md, "Blue/green").
#
#   switch-color.sh --namespace fieldops --to green [--router-release fieldops]
#                   [--chart helm/fieldops] [--values "-f values-prod.yaml -f values-router.yaml"]
#                   [--smoke-tenant demo] [--no-reseed] [--timeout 600s]
#
# Releases: "<router>-blue" and "<router>-green" (mode app) run the two colours; "<router>" (mode
# router) owns the stable Service and the Ingress. The switch:
#   1. waits until the target colour's StatefulSet is ready and smoke-tests it through its own Service;
#   2. freezes the active colour: scales it to 0 (SIGTERM: serve drains, the replicate sidecar does
#      its final sync), so no write is accepted by two colours;
#   3. reseeds the target: scales it to 0, deletes its PVCs, scales it back up: its restore init
#      container restores every database from the frozen colour's replicas (now complete);
#   4. smoke-tests the target again, then flips the stable Service (helm upgrade of the router
#      release with router.activeColor=<to>) and checks that its endpoints are target pods;
#   5. smoke-tests through the stable Service.
# Any failure after step 2 rolls back: the old colour is scaled up again (its volumes are intact) and
# the stable Service is pointed back at it. Exit codes: 0 switched, 1 failed (rolled back), 2 usage.
# KUBECTL and HELM may name other binaries (the check-deploy tests use stubs).
set -Eeuo pipefail

KUBECTL=${KUBECTL:-kubectl}
HELM=${HELM:-helm}
ns="" to="" router="fieldops" chart="$(cd "$(dirname "$0")/.." && pwd)" values="" smoke_tenant="" reseed=1 timeout=600s

usage() { sed -n '2,24p' "$0" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --namespace|-n) ns=$2; shift 2 ;;
    --to) to=$2; shift 2 ;;
    --router-release) router=$2; shift 2 ;;
    --chart) chart=$2; shift 2 ;;
    --values) values=$2; shift 2 ;;
    --smoke-tenant) smoke_tenant=$2; shift 2 ;;
    --no-reseed) reseed=0; shift ;;
    --timeout) timeout=$2; shift 2 ;;
    -h|--help) usage ;;
    *) echo "switch-color: unknown argument $1" >&2; usage ;;
  esac
done
[ -n "$ns" ] || usage
case "$to" in blue) from=green ;; green) from=blue ;; *) echo "switch-color: --to must be blue or green" >&2; exit 2 ;; esac

log() { printf '%s switch-color: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
k() { "$KUBECTL" -n "$ns" "$@"; }

target_sts="$router-$to"
active_sts="$router-$from"

shards() { k get statefulset "$1" -o jsonpath='{.spec.replicas}'; }
active_color() { k get service "$router" -o jsonpath='{.spec.selector.fieldops\.io/color}'; }
domain() { k get configmap "$target_sts" -o jsonpath='{.data.FIELDOPS_DOMAIN}'; }

# smoke SERVICE: runs curl inside a target pod against SERVICE (exercises Service + pods).
smoke() {
  local svc=$1 base d tenant code
  base="http://$svc.$ns.svc"
  d=$(domain)
  k exec "$target_sts-0" -c serve -- curl -fsS -o /dev/null --max-time 5 "$base/healthz"
  k exec "$target_sts-0" -c serve -- curl -fsS -o /dev/null --max-time 5 "$base/readyz"
  code=$(k exec "$target_sts-0" -c serve -- curl -sS -o /dev/null -w '%{http_code}' --max-time 10 -H "Host: $d" "$base/")
  [ "$code" = 200 ] || { log "platform page answered $code"; return 1; }
  tenant=$smoke_tenant
  if [ -z "$tenant" ]; then
    tenant=$(k exec "$target_sts-0" -c serve -- fieldops tenant list --json | sed 's/[{,]/\n/g' | sed -n 's/^ *"slug": *"\([a-z0-9-]*\)".*/\1/p' | head -n 1)
  fi
  if [ -n "$tenant" ]; then
    code=$(k exec "$target_sts-0" -c serve -- curl -sS -o /dev/null -w '%{http_code}' --max-time 10 -H "Host: $tenant.$d" "$base/")
    case "$code" in 200|302|303) ;; *) log "tenant $tenant answered $code"; return 1 ;; esac
  fi
  code=$(k exec "$target_sts-0" -c serve -- curl -sS -o /dev/null -w '%{http_code}' --max-time 10 -H "Host: no-such-tenant-smoke.$d" "$base/")
  [ "$code" = 404 ] || { log "unknown host answered $code (dispatcher?)"; return 1; }
  log "smoke tests passed on $svc (tenant: ${tenant:-none})"
}

wait_ready() { k rollout status "statefulset/$1" --timeout "$timeout"; }

scale() {
  k scale "statefulset/$1" --replicas "$2"
  if [ "$2" = 0 ]; then
    k wait --for=delete pod -l "app.kubernetes.io/instance=$1" --timeout "$timeout" || true
  fi
}

route_to() {
  # shellcheck disable=SC2086 # $values holds several -f options
  "$HELM" upgrade "$router" "$chart" -n "$ns" --reuse-values $values --set "router.activeColor=$1" --wait --timeout "$timeout"
  local got
  got=$(active_color)
  [ "$got" = "$1" ] || { log "stable Service selects '$got', expected '$1'"; return 1; }
  # every endpoint of the stable Service must be a pod of colour $1
  local pods
  pods=$(k get endpointslices -l "kubernetes.io/service-name=$router" -o jsonpath='{range .items[*].endpoints[*]}{.targetRef.name}{"\n"}{end}')
  [ -n "$pods" ] || { log "stable Service has no endpoints"; return 1; }
  if printf '%s\n' "$pods" | grep -v "^$router-$1-" >/dev/null; then
    log "stable Service still has endpoints outside $1: $(printf '%s ' "$pods")"; return 1
  fi
}

current=$(active_color)
log "active colour: ${current:-none}; switching to $to"
[ "$current" != "$to" ] || { log "$to is already active"; exit 0; }

n=$(shards "$target_sts")
active_n=$(shards "$active_sts" 2>/dev/null || echo 0)
[ "$active_n" -gt 0 ] || active_n=$n

log "step 1: $target_sts ready and healthy"
wait_ready "$target_sts"
smoke "$target_sts"

frozen=0 switched=0
rollback() {
  trap - ERR
  set +e
  log "FAILED: rolling back to $from"
  if [ "$frozen" = 1 ]; then scale "$active_sts" "$active_n"; wait_ready "$active_sts" || true; fi
  if [ "$switched" = 1 ]; then route_to "$from" || log "could not point the stable Service back to $from: do it by hand"; fi
  exit 1
}
trap rollback ERR

log "step 2: freeze $active_sts (final sync of its replicas)"
frozen=1
scale "$active_sts" 0

if [ "$reseed" = 1 ]; then
  log "step 3: reseed $target_sts from $from's replicas"
  scale "$target_sts" 0
  for i in $(seq 0 $((n - 1))); do k delete pvc "data-$target_sts-$i" --ignore-not-found --wait=true; done
  scale "$target_sts" "$n"
  wait_ready "$target_sts"
fi

log "step 4: smoke $target_sts, then switch the stable Service"
smoke "$target_sts"
switched=1
route_to "$to"

log "step 5: smoke through the stable Service"
smoke "$router"
trap - ERR
log "done: $to serves; $from is scaled to 0 and keeps its volumes until the next switch"
