#!/usr/bin/env bash
# argocd-wait.sh APPLICATION COMMIT [TIMEOUT_SECONDS]
# Waits until the Argo CD Application (namespace argocd) reports COMMIT as its synced revision, sync
# status Synced and health Healthy; exits 1 on timeout or when the sync of that commit failed.
# cd.yml uses it after a push to main (dev) or a move of env/staging, before its smoke tests. Needs
# only kubectl and read access to applications.argoproj.io in argocd (no Argo CD API token).
set -euo pipefail
app=${1:?application}
want=${2:?commit}
timeout=${3:-900}
deadline=$(( $(date +%s) + timeout ))
last=""
while :; do
  state=$(kubectl -n argocd get application "$app" \
    -o jsonpath='{.status.sync.revision} {.status.sync.status} {.status.health.status} {.status.operationState.phase}' 2>/dev/null || true)
  read -r rev sync health phase <<<"$state"
  if [ "$state" != "$last" ]; then
    echo "$(date -u +%H:%M:%S) $app: revision=${rev:-?} sync=${sync:-?} health=${health:-?} operation=${phase:-none}"
    last=$state
  fi
  if [ "${rev:-}" = "$want" ]; then
    if [ "${sync:-}" = Synced ] && [ "${health:-}" = Healthy ]; then
      echo "$app runs $want"
      exit 0
    fi
    if [ "${phase:-}" = Failed ] || [ "${phase:-}" = Error ]; then
      kubectl -n argocd get application "$app" -o jsonpath='{.status.operationState.message}' >&2 || true
      echo >&2
      echo "::error::Argo CD failed to sync $app to $want" >&2
      exit 1
    fi
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "::error::$app did not reach $want Synced+Healthy within ${timeout}s (last: $state)" >&2
    exit 1
  fi
  sleep 10
done
