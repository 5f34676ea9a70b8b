#!/usr/bin/env bash
# kubectl for the blue/green end-to-end test (bluegreen_test.go): the "cluster" is local processes
# of the real binary, so that helm/fieldops/scripts/switch-color.sh runs unchanged against it.
#   StatefulSet fieldops-<colour> (one shard) = `fieldops replicate` (the native sidecar, started
#   first) + `fieldops serve --replicate external` on 127.0.0.1:$(cat port-fieldops-<colour>);
#   its init container = helm/fieldops/files/seed-from-replica.sh (when restore-fieldops-<colour>
#   exists); PVC data-fieldops-<colour>-0 = $CLUSTER/data-fieldops-<colour>-0; Service
#   fieldops = the test's proxy to the colour in $CLUSTER/active.
# Environment: CLUSTER, FIELDOPS_BIN, SEED_SCRIPT, REPLICA_BASE (file:DIR, one prefix per colour).
set -uo pipefail
: "${CLUSTER:?}" "${FIELDOPS_BIN:?}" "${SEED_SCRIPT:?}" "${REPLICA_BASE:?}"
echo "kubectl $*" >> "$CLUSTER/kubectl.log"
while [ $# -gt 0 ]; do case "$1" in -n) shift 2 ;; *) break ;; esac; done
verb=$1; shift
args=" $* "

other() { [ "$1" = fieldops-blue ] && echo fieldops-green || echo fieldops-blue; }
color() { echo "${1#fieldops-}"; }
replica() { echo "$REPLICA_BASE/$(color "$1")"; }
data() { echo "$CLUSTER/data-$1-0"; }
port() { cat "$CLUSTER/port-$1"; }
ready() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$(port "$1")/readyz" 2>/dev/null; }
sts_of() { local s=${1#statefulset/}; echo "${s%-[0-9]}"; }

stop() { # the kubelet's order: serve drains, then the native sidecar does its final sync
  local sts=$1 c pid
  for c in serve replicate; do
    [ -s "$CLUSTER/$sts.$c.pid" ] || continue
    pid=$(cat "$CLUSTER/$sts.$c.pid")
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$CLUSTER/$sts.$c.pid"
  done
}

start() {
  local sts=$1 d r
  d=$(data "$sts") r=$(replica "$sts")
  rm -f "$CLUSTER/$sts.seed-failed"
  mkdir -p "$d"
  if [ -e "$CLUSTER/restore-$sts" ]; then
    # init container "restore" (the kubelet retries a failed one: once here)
    for attempt in 1 2; do
      if FIELDOPS_DIR=$d FIELDOPS_RESTORE_FROM=$(replica "$(other "$sts")") PATH="$(dirname "$FIELDOPS_BIN"):$PATH" \
        sh "$SEED_SCRIPT" >> "$CLUSTER/$sts.restore.log" 2>&1; then break; fi
      [ "$attempt" = 2 ] && { touch "$CLUSTER/$sts.seed-failed"; return 0; }
    done
  fi
  setsid "$FIELDOPS_BIN" replicate --dir "$d" --replica "$r" >> "$CLUSTER/$sts.replicate.log" 2>&1 &
  echo $! > "$CLUSTER/$sts.replicate.pid"
  for _ in $(seq 1 100); do "$FIELDOPS_BIN" backup status --alive --dir "$d" >/dev/null 2>&1 && break; sleep 0.1; done
  FIELDOPS_REPLICATE=external setsid "$FIELDOPS_BIN" serve --dir "$d" --http "127.0.0.1:$(port "$sts")" --domain "$DOMAIN" \
    --replica "$r" --idle 1h --grace 5s >> "$CLUSTER/$sts.serve.log" 2>&1 &
  echo $! > "$CLUSTER/$sts.serve.pid"
}

case "$verb" in
  get)
    case "$args" in
      *" service fieldops "*) cat "$CLUSTER/active" ;;
      *" configmap "*) echo "$DOMAIN" ;;
      *" endpointslices "*) a=fieldops-$(cat "$CLUSTER/active"); ready "$a" && echo "$a-0" ;;
      *" statefulset "*)
        sts=$(echo "$args" | awk '{print $2}')
        n=$(cat "$CLUSTER/replicas-$sts" 2>/dev/null || echo 0)
        case "$args" in
          *readyReplicas*) if [ "$n" -gt 0 ] && ready "$sts"; then echo 1; else echo 0; fi ;;
          *".spec.replicas"*) echo "$n" ;;
          *image*) echo "fieldops:local" ;;
          *securityContext*) echo '{}' ;;
          *envFrom*) echo '[]' ;;
          *".env}"*) printf '[{"name":"FIELDOPS_REPLICA","value":"%s"}]\n' "$(replica "$sts")" ;;
          *) [ -e "$CLUSTER/replicas-$sts" ] ;;
        esac ;;
      *) exit 0 ;;
    esac ;;
  scale)
    sts=$(sts_of "$1"); n=${args##*--replicas }; n=${n%% *}
    if [ "$n" = 0 ]; then stop "$sts"; else [ -s "$CLUSTER/$sts.serve.pid" ] || start "$sts"; fi
    echo "$n" > "$CLUSTER/replicas-$sts" ;;
  wait) exit 0 ;;
  rollout)
    sts=$(sts_of "$2")
    [ ! -e "$CLUSTER/$sts.seed-failed" ] || exit 1
    for _ in $(seq 1 "${ROLLOUT_SECONDS:-120}"0); do ready "$sts" && exit 0; sleep 0.1; done
    exit 1 ;;
  delete)
    case "$args" in
      *" pvc -l "*) sts=${args#*instance=}; sts=${sts%% *}; rm -rf "$(data "$sts")" ;;
      *" pvc "*) pvc=$(echo "$args" | awk '{print $2}'); rm -rf "${CLUSTER:?}/$pvc" ;;
    esac ;;
  logs) sts=$(sts_of "$1"); tail -n 30 "$CLUSTER/$sts.restore.log" 2>/dev/null ;;
  run)
    claim=$(printf '%s' "$args" | sed -n 's/.*"claimName":"data-\(fieldops-[a-z]*\)-0".*/\1/p')
    exec "$FIELDOPS_BIN" backup verify-sync --json --dir "$(data "$claim")" --replica "$(replica "$claim")" ;;
  exec)
    sts=$(sts_of "$1"); shift
    while [ $# -gt 0 ] && [ "$1" != -- ]; do shift; done
    shift
    prog=$1; shift
    if [ "$prog" = fieldops ]; then
      exec env FIELDOPS_DIR="$(data "$sts")" FIELDOPS_DOMAIN="$DOMAIN" "$FIELDOPS_BIN" "$@"
    fi
    out=()
    for a in "$@"; do
      case "$a" in
        http://*.svc/*) svc=${a#http://}; svc=${svc%%.*}; out+=("http://127.0.0.1:$(port "$svc")/${a#http://*.svc/}") ;;
        *) out+=("$a") ;;
      esac
    done
    exec "$prog" "${out[@]}" ;;
  *) exit 0 ;;
esac
