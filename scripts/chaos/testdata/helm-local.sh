#!/usr/bin/env bash
# helm for the blue/green end-to-end test: `helm upgrade fieldops … --set router.activeColor=C`
# points the stable Service (the test's proxy) at colour C.
set -euo pipefail
echo "helm $*" >> "$CLUSTER/kubectl.log"
for a in "$@"; do case "$a" in router.activeColor=*) echo "${a#*=}" > "$CLUSTER/active" ;; esac; done
