#!/bin/sh
# Seeds an empty data volume from the replicas (init container "restore", restore.enabled): the
# control plane, then every tenant it lists, exactly where `fieldops serve` expects them
# (platform/data.db, tenants/<slug>/data.db). docs/deployment.md, "Blue/green".
#   - atomic: `fieldops backup restore --all` restores into a temporary directory and renames the
#     databases into place only once every one restored and passed its integrity check (the
#     platform last); an interrupted run is cleaned up by the next one;
#   - idempotent: a volume that already holds a complete data directory is left alone (a pod
#     restart of a serving colour never replaces its data), a retry after a failure starts over;
#   - a missing or empty control plane in the replicas is a failure (exit 1), never an empty server;
#   - --check-schema: this binary refuses databases migrated by a newer release it cannot read
#     (a rollback after a migration that is not an expand step): nothing is put in place.
# Environment: FIELDOPS_RESTORE_FROM (replica URL), FIELDOPS_DIR (default /data).
set -eu
from="${FIELDOPS_RESTORE_FROM:?FIELDOPS_RESTORE_FROM is not set}"
dir="${FIELDOPS_DIR:-/data}"
if [ -s "$dir/platform/data.db" ] && [ ! -e "$dir/.restore-incomplete" ]; then
  echo "seed: $dir already holds a data directory; nothing to restore"
  exit 0
fi
start=$(date +%s)
echo "seed: restoring $dir from $from"
fieldops backup restore --all --check-schema --replica "$from" --to "$dir"
echo "seed: done in $(($(date +%s) - start)) s"
