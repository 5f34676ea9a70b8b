#!/usr/bin/env bash
# make check-deploy: verifies every delivery artefact with the ecosystem's own tools and proves,
# with deliberately broken fixtures (testdata/), that each check rejects what it must reject.
#
#   scripts/check-deploy/check-deploy.sh [--only a,b,...] [--list]
#
# Groups: tools (installs), shell, docker, helm, monitoring, ansible, packer, appliance, terraform,
# workflows, gitops (Argo CD manifests, kubeconform with the Argo CD and cert-manager CRDs),
# supplychain (actions pinned by SHA, renovate.json, gitleaks), trivy (slow, stamped: trivy config).
# Installs what is missing, pinned, idempotently: Debian packages (apt), Go tools built from
# tools/go.mod, tools/tofu/, tools/dockerlint/ and tools/dashcheck/ (go.mod each) into tools/bin, npm from
# scripts/check-deploy/package-lock.json, Kubernetes JSON schemas generated into
# .cache/check-deploy. Prints one verdict line per check (PASS/FAIL/SKIP name (seconds)) and exits
# 1 if any check failed. Needs root (apt, and the Ansible run starts the server as `nobody`).
# Cold install on a 2-core machine: about 10 minutes (docs/deployment.md); warm run: about 2 minutes.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/scripts/check-deploy"
TD="$HERE/testdata"
TOOLS="$ROOT/tools/bin"
CACHE="$ROOT/.cache/check-deploy"
LOGS="$CACHE/logs"
mkdir -p "$TOOLS" "$LOGS"
export PATH="$TOOLS:$HERE/node_modules/.bin:$PATH"
export GOTOOLCHAIN=go1.27.3
export GOFLAGS=-trimpath            # not the app's build tags: these are separate modules
export TF_CLI_CONFIG_FILE="$CACHE/tofurc"
: > "$TF_CLI_CONFIG_FILE"
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 NO_COLOR=1 PY_COLORS=0

# Pinned versions (Go tools: exact versions in tools/go.mod and tools/{tofu,dockerlint,dashcheck}/go.mod).
K8S_VERSION=1.37.2                  # schemas: k8s.io/kubernetes api/openapi-spec/swagger.json
PROM_OPERATOR_VERSION=v0.85.0       # renovate: go github.com/prometheus-operator/prometheus-operator (CRDs of ServiceMonitor / PrometheusRule / Probe)
ARGOCD_VERSION=v3.4.4               # renovate: go github.com/argoproj/argo-cd/v3 (= argo-cd chart 10.1.1)
CERT_MANAGER_VERSION=v1.21.2        # renovate: go github.com/cert-manager/cert-manager (= deploy/gitops chart)
APT_TOOLS=(ansible-playbook:ansible ansible-lint:ansible-lint packer:packer promtool:prometheus
           amtool:prometheus-alertmanager prometheus-blackbox-exporter:prometheus-blackbox-exporter shellcheck:shellcheck systemd-analyze:systemd
           setpriv:util-linux nft:nftables curl:curl python3:python3 npm:npm
           debootstrap:debootstrap systemd-nspawn:systemd-container ssh-keyscan:openssh-client ip:iproute2)
GO_TOOLS=(kubeconform:github.com/yannh/kubeconform/cmd/kubeconform
          actionlint:github.com/rhysd/actionlint/cmd/actionlint
          helm:helm.sh/helm/v3/cmd/helm
          tflint:github.com/terraform-linters/tflint)
HELM_KUBE=(--kube-version "$K8S_VERSION")
CRDS=(--api-versions monitoring.coreos.com/v1/ServiceMonitor --api-versions monitoring.coreos.com/v1/PrometheusRule
      --api-versions monitoring.coreos.com/v1/Probe)

ONLY=""
case "${1:-}" in
  --only) ONLY=",${2:-},"; shift 2 ;;
  --list) echo "tools shell docker helm monitoring ansible packer appliance terraform workflows gitops supplychain trivy"; exit 0 ;;
  "") ;;
  *) echo "usage: $0 [--only group,group] [--list]" >&2; exit 2 ;;
esac
want() { [ -z "$ONLY" ] || [[ "$ONLY" == *",$1,"* ]]; }

pass=0 failn=0 skipn=0
START=$(date +%s)
verdict() { # PASS|FAIL|SKIP name seconds [note]
  local line
  line=$(printf '%-4s %s (%ss)%s' "$1" "$2" "$3" "${4:+ — $4}")
  echo "$line"
  case "$1" in PASS) pass=$((pass + 1)) ;; FAIL) failn=$((failn + 1)) ;; SKIP) skipn=$((skipn + 1)) ;; esac
}
slug() { echo "$1" | tr -c 'a-zA-Z0-9\n' '-' | tr -s '-'; }

# check NAME CMD...: PASS when CMD succeeds.
check() {
  local name=$1 log t0 rc
  shift
  log="$LOGS/$(slug "$name").log"
  t0=$(date +%s)
  ( "$@" ) > "$log" 2>&1
  rc=$?
  if [ $rc = 0 ]; then
    verdict PASS "$name" $(( $(date +%s) - t0 ))
  else
    verdict FAIL "$name" $(( $(date +%s) - t0 )) "exit $rc, log $log"
    sed 's/^/    | /' "$log" | tail -n 25
    return $rc
  fi
}

# reject NAME PATTERN CMD...: a negative test. PASS when CMD FAILS and its output matches PATTERN
# (so the check failed for the planted reason, not because the tool is missing).
reject() {
  local name=$1 pattern=$2 log t0 rc
  shift 2
  log="$LOGS/$(slug "$name").log"
  t0=$(date +%s)
  ( "$@" ) > "$log" 2>&1
  rc=$?
  if [ $rc != 0 ] && grep -Eq -- "$pattern" "$log"; then
    verdict PASS "$name" $(( $(date +%s) - t0 )) "rejected as expected"
  elif [ $rc = 0 ]; then
    verdict FAIL "$name" $(( $(date +%s) - t0 )) "the broken fixture was ACCEPTED, log $log"
  else
    verdict FAIL "$name" $(( $(date +%s) - t0 )) "failed without /$pattern/, log $log"
    sed 's/^/    | /' "$log" | tail -n 15
  fi
}

# ------------------------------------------------------------------ installs (idempotent)
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_apt() {
  local need=() pair
  for pair in "${APT_TOOLS[@]}"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
  done
  [ ${#need[@]} -gt 0 ] || return 0
  echo "installing Debian packages: ${need[*]}"
  # prometheus and alertmanager packages would start daemons listening on every interface:
  # forbid service starts during the install (policy-rc.d), restore the previous policy after.
  local policy=/usr/sbin/policy-rc.d created=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null && as_root chmod 0755 "$policy" && created=1
  fi
  as_root apt-get update -qq &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
  local rc=$?
  [ $created = 0 ] || as_root rm -f "$policy"
  return $rc
}

# stamp FILE CONTENT: true when FILE already holds CONTENT (the tool is up to date).
stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

install_go_tools() {
  local pair name pkg key
  key=$(cat "$ROOT/tools/go.mod" "$ROOT/tools/go.sum" | sha256sum | cut -c1-16)
  for pair in "${GO_TOOLS[@]}"; do
    name=${pair%%:*} pkg=${pair#*:}
    stamp_ok "$TOOLS/.$name.stamp" "$key" && [ -x "$TOOLS/$name" ] && continue
    echo "building $name ($pkg, pinned by tools/go.mod)"
    (cd "$ROOT/tools" && go build -ldflags='-s -w' -o "$TOOLS/$name" "$pkg") || return 1
    echo "$key" > "$TOOLS/.$name.stamp"
  done
  key=$(cat "$ROOT/tools/tofu/go.mod" "$ROOT/tools/tofu/go.sum" | sha256sum | cut -c1-16)
  if ! { stamp_ok "$TOOLS/.tofu.stamp" "$key" && [ -x "$TOOLS/tofu" ]; }; then
    echo "building tofu (OpenTofu, pinned by tools/tofu/go.mod; several CPU minutes)"
    # Go 1.27 moved HTTP/2 into the standard library; grpc 1.79 still needs x/net's legacy http2.
    (cd "$ROOT/tools/tofu" && go build -tags http2legacy -ldflags='-s -w' -o "$TOOLS/tofu" github.com/opentofu/opentofu/cmd/tofu) || return 1
    echo "$key" > "$TOOLS/.tofu.stamp"
  fi
  key=$(cat "$ROOT/tools/dockerlint/"*.go "$ROOT/tools/dockerlint/go.mod" "$ROOT/tools/dockerlint/go.sum" | sha256sum | cut -c1-16)
  if ! { stamp_ok "$TOOLS/.dockerlint.stamp" "$key" && [ -x "$TOOLS/dockerlint" ]; }; then
    echo "building dockerlint (tools/dockerlint: BuildKit's Dockerfile checks)"
    (cd "$ROOT/tools/dockerlint" && go build -ldflags='-s -w' -o "$TOOLS/dockerlint" .) || return 1
    echo "$key" > "$TOOLS/.dockerlint.stamp"
  fi
  key=$(cat "$ROOT/tools/dashcheck/"*.go "$ROOT/tools/dashcheck/go.mod" "$ROOT/tools/dashcheck/go.sum" | sha256sum | cut -c1-16)
  if ! { stamp_ok "$TOOLS/.dashcheck.stamp" "$key" && [ -x "$TOOLS/dashcheck" ]; }; then
    echo "building dashcheck (tools/dashcheck)"
    (cd "$ROOT/tools/dashcheck" && go build -o "$TOOLS/dashcheck" .) || return 1
    echo "$key" > "$TOOLS/.dashcheck.stamp"
  fi
}

install_npm() {
  local key
  key=$(sha256sum "$HERE/package-lock.json" | cut -c1-16)
  stamp_ok "$HERE/node_modules/.stamp" "$key" && return 0
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error) && echo "$key" > "$HERE/node_modules/.stamp"
}

SCHEMAS="$CACHE/schemas-$K8S_VERSION-$PROM_OPERATOR_VERSION"
install_schemas() {
  [ -s "$SCHEMAS/statefulset-apps-v1.json" ] && [ -s "$SCHEMAS/servicemonitor-monitoring-v1.json" ] &&
    [ -s "$SCHEMAS/probe-monitoring-v1.json" ] && return 0
  local k8s op
  k8s=$(cd "$ROOT/tools" && go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p') || return 1
  op=$(cd "$ROOT/tools" && go mod download -json "github.com/prometheus-operator/prometheus-operator@$PROM_OPERATOR_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p') || return 1
  rm -rf "$SCHEMAS.tmp"
  python3 "$HERE/k8s-schemas.py" --swagger "$k8s/api/openapi-spec/swagger.json" \
    --crd "$op/example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml" \
    --crd "$op/example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml" \
    --crd "$op/example/prometheus-operator-crd/monitoring.coreos.com_probes.yaml" \
    --out "$SCHEMAS.tmp" && rm -rf "$SCHEMAS" && mv "$SCHEMAS.tmp" "$SCHEMAS"
}

if want tools || [ -z "$ONLY" ]; then
  check "install Debian packages (ansible, ansible-lint, packer, promtool, amtool, shellcheck, nftables)" install_apt
  check "install Go tools (helm, kubeconform, actionlint, tflint, tofu, dockerlint, dashcheck)" install_go_tools
  check "install npm tools (dockerfile-utils)" install_npm
  check "generate Kubernetes $K8S_VERSION + prometheus-operator $PROM_OPERATOR_VERSION schemas" install_schemas
fi
tool_versions() {
  {
    helm version --short; kubeconform -v; actionlint -version | head -1; tflint --version | head -1
    tofu version | head -1; packer version | head -1; ansible --version | head -1
    ansible-lint --version | head -1; promtool --version | head -1; amtool --version | head -1
    shellcheck --version | sed -n 's/^version: /shellcheck /p'
  } > "$LOGS/versions.txt" 2>&1
}
tool_versions

# ------------------------------------------------------------------ shell
if want shell; then
  SHELL_SCRIPTS=("$HERE"/*.sh "$HERE/ansible/service.sh" "$ROOT/helm/fieldops/scripts/switch-color.sh"
    "$ROOT/helm/fieldops/files/seed-from-replica.sh" "$ROOT"/scripts/chaos/testdata/*.sh)
  check "shellcheck (delivery scripts)" shellcheck -x "${SHELL_SCRIPTS[@]}"
  check "switch-color.sh against a simulated cluster (switch, rollbacks, final-sync and schema refusals, --wipe)" "$HERE/test-switch-color.sh"
fi

# ------------------------------------------------------------------ Dockerfile
dockerfile_policy() { # our own invariants, on top of the linter
  local f=$1 ok=0
  grep -Eq '^USER +[0-9]+:[0-9]+' "$f" || { echo "no numeric non-root USER"; ok=1; }
  grep -A2 '^HEALTHCHECK ' "$f" | grep -q '/healthz' || { echo "no HEALTHCHECK on /healthz"; ok=1; }
  grep -Eq '^VOLUME .*/data' "$f" || { echo "no /data VOLUME"; ok=1; }
  grep -Eq '^FROM .* AS build' "$f" || { echo "not multi-stage"; ok=1; }
  grep -q 'org.opencontainers.image.revision' "$f" || { echo "no OCI labels"; ok=1; }
  grep -q 'make build' "$f" || { echo "does not build with make build (cgo, tags, -trimpath)"; ok=1; }
  return $ok
}
if want docker; then
  check "dockerlint Dockerfile (BuildKit's docker build --check rules)" dockerlint "$ROOT/Dockerfile"
  check "dockerfile-utils lint Dockerfile" dockerfile-utils lint "$ROOT/Dockerfile"
  check "Dockerfile policy (multi-stage, non-root, HEALTHCHECK, /data, OCI labels)" dockerfile_policy "$ROOT/Dockerfile"
  reject "dockerlint rejects testdata/Dockerfile.warnings" "SecretsUsedInArgOrEnv" dockerlint "$TD/Dockerfile.warnings"
  reject "dockerlint rejects testdata/Dockerfile.broken" "parse error" dockerlint "$TD/Dockerfile.broken"
  reject "dockerfile-utils rejects testdata/Dockerfile.broken" "COPY requires at least two arguments" \
    dockerfile-utils lint "$TD/Dockerfile.broken"
  reject "Dockerfile policy rejects testdata/Dockerfile.broken" "no HEALTHCHECK|non-root" dockerfile_policy "$TD/Dockerfile.broken"
fi

# ------------------------------------------------------------------ Helm
MON="$ROOT/deploy/monitoring"
am_routes() { # MONAM: the config file (default: the VM's)
  local got cfg=${MONAM:-$MON/alertmanager/alertmanager.yml}
  got=$(amtool config routes test --config.file="$cfg" severity=critical alertname=X 2>/dev/null)
  [ "$got" = "pagerduty-oncall,ops-email" ] || { echo "critical goes to '$got'"; return 1; }
  got=$(amtool config routes test --config.file="$cfg" severity=warning alertname=X 2>/dev/null)
  [ "$got" = "ops-email" ] || { echo "warning goes to '$got'"; return 1; }
  got=$(amtool config routes test --config.file="$cfg" severity=none alertname=FieldOpsWatchdog 2>/dev/null)
  [ "$got" = "deadmans-switch" ] || { echo "the watchdog goes to '$got'"; return 1; }
  echo "critical -> pagerduty-oncall,ops-email; warning -> ops-email; FieldOpsWatchdog -> deadmans-switch"
}
CHART="$ROOT/helm/fieldops"
# name | release | policy mode | values files (relative to the chart)
HELM_CASES=(
  "default|fieldops|all|"
  "dev|fieldops|all|values-dev.yaml"
  "staging|fieldops|all|values-staging.yaml"
  "prod|fieldops|all|values-prod.yaml"
  "prod-blue|fieldops-blue|app|values-prod.yaml values-blue.yaml"
  "prod-green|fieldops-green|app|values-prod.yaml values-green.yaml"
  "prod-router|fieldops|router|values-prod.yaml values-router.yaml"
  "dedicated|fieldops|dedicated|values-dedicated.yaml"
  "prod-scaleout|fieldops|scaleout|values-prod.yaml values-scaleout.yaml"
  "prod-linkerd|fieldops|all|values-prod.yaml values-mesh-linkerd.yaml"
)
vargs() { local f; for f in $1; do printf -- '-f\n%s\n' "$CHART/$f"; done; }
render() { # release values-list out [extra helm args]
  local release=$1 values=$2 out=$3
  shift 3
  local args=()
  mapfile -t args < <(vargs "$values")
  helm template "$release" "$CHART" -n fieldops "${HELM_KUBE[@]}" "${args[@]}" "$@" > "$out"
}
kconform() {
  kubeconform -strict -summary -kubernetes-version "$K8S_VERSION" \
    -schema-location "$SCHEMAS/{{ .ResourceKind }}{{ .KindSuffix }}.json" "$@"
}
helm_lint_all() {
  local c name release mode values args=()
  for c in "${HELM_CASES[@]}"; do
    IFS='|' read -r name release mode values <<< "$c"
    mapfile -t args < <(vargs "$values")
    echo "== helm lint --strict ($name)"
    helm lint --strict "$CHART" "${HELM_KUBE[@]}" "${args[@]}" || return 1
  done
}
helm_template_conform() { # one case: render with the CRDs, kubeconform, policy; render without CRDs
  local name=$1 release=$2 mode=$3 values=$4 out="$CACHE/rendered-$1.yaml"
  render "$release" "$values" "$out" "${CRDS[@]}" || return 1
  kconform "$out" || return 1
  python3 "$HERE/chart-policy.py" "$mode" "$out" crds || return 1
  render "$release" "$values" "$CACHE/rendered-$name-nocrd.yaml" || return 1
  python3 "$HERE/chart-policy.py" "$mode" "$CACHE/rendered-$name-nocrd.yaml" no-crds || return 1
}
broken_values_conform() {
  helm template fieldops "$CHART" "${HELM_KUBE[@]}" -f "$TD/values-broken.yaml" > "$CACHE/broken.yaml" && kconform "$CACHE/broken.yaml"
}
insecure_values_policy() {
  helm template fieldops "$CHART" "${HELM_KUBE[@]}" -f "$TD/values-insecure.yaml" > "$CACHE/insecure.yaml" &&
    python3 "$HERE/chart-policy.py" all "$CACHE/insecure.yaml"
}
bluegreen_priorityclass() { # the colours' PriorityClass is created once, by the router release
  python3 "$HERE/chart-policy.py" priorityclass "$CACHE/rendered-prod-blue.yaml" "$CACHE/rendered-prod-green.yaml" \
    "$CACHE/rendered-prod-router.yaml"
}
priority_missing_policy() {
  helm template fieldops "$CHART" "${HELM_KUBE[@]}" -f "$TD/values-priority-missing.yaml" > "$CACHE/priority-missing.yaml" &&
    python3 "$HERE/chart-policy.py" all "$CACHE/priority-missing.yaml"
}
otlp_blocked_policy() { # the prod render with its whole OTLP egress rule (ports and `to`) removed
  awk '/# OTLP traces to the collector/ {skip = 2; next}
       skip == 2 {skip = 1; next}
       skip == 1 && (/^    - / || /^  [^ ]/ || /^[^ ]/) {skip = 0}
       !skip' "$CACHE/rendered-prod.yaml" > "$CACHE/otlp-blocked.yaml" &&
    python3 "$HERE/chart-policy.py" all "$CACHE/otlp-blocked.yaml"
}
rules_in_sync() { diff -ru "$ROOT/deploy/monitoring/rules" "$CHART/files/rules"; }
monitoring_files_in_sync() { # the chart's copies of the dashboards and the Alertmanager config
  diff -ru "$ROOT/deploy/monitoring/grafana/dashboards" "$CHART/files/dashboards" &&
    diff -ru "$ROOT/deploy/monitoring/alertmanager" "$CHART/files/alertmanager"
}
am_secret_check() { # the Alertmanager Secret rendered for prod: amtool on it, routes as on VMs
  local d="$CACHE/am-secret"
  rm -rf "$d" && mkdir -p "$d" &&
    python3 - "$CACHE/rendered-prod-router.yaml" "$d" <<'PY' &&
import base64, sys, yaml
docs = [x for x in yaml.safe_load_all(open(sys.argv[1])) if x and x.get("kind") == "Secret" and x["metadata"]["name"] == "fieldops-alertmanager"]
assert len(docs) == 1, f"{len(docs)} fieldops-alertmanager Secret(s) in the prod router render"
data = {k: base64.b64decode(v).decode() for k, v in docs[0]["data"].items()}
assert "/etc/alertmanager/config/fieldops.tmpl" in data["alertmanager.yaml"], "template path not rewritten for the operator"
assert "/etc/alertmanager/secrets/fieldops-alertmanager-credentials/smtp-password" in data["alertmanager.yaml"], "credentials path not rewritten"
open(f"{sys.argv[2]}/alertmanager.yaml", "w").write(data["alertmanager.yaml"].replace("/etc/alertmanager/config/", sys.argv[2] + "/"))
open(f"{sys.argv[2]}/fieldops.tmpl", "w").write(data["fieldops.tmpl"])
print("Secret fieldops-alertmanager:", ", ".join(sorted(data)))
PY
    amtool check-config "$d/alertmanager.yaml" && MONAM="$d/alertmanager.yaml" am_routes
}
dashboards_configmaps() { # one sidecar ConfigMap per dashboard in the prod router render, JSON intact
  python3 - "$CACHE/rendered-prod-router.yaml" "$ROOT/deploy/monitoring/grafana/dashboards" <<'PY'
import json, os, sys, yaml
cms = [x for x in yaml.safe_load_all(open(sys.argv[1])) if x and x.get("kind") == "ConfigMap" and (x["metadata"].get("labels") or {}).get("grafana_dashboard") == "1"]
want = sorted(f for f in os.listdir(sys.argv[2]) if f.endswith(".json"))
got = sorted(k for c in cms for k in c["data"])
assert got == want, f"dashboards in ConfigMaps {got}, want {want}"
for c in cms:
    for k, v in c["data"].items():
        assert json.loads(v) == json.load(open(os.path.join(sys.argv[2], k))), f"{k} differs"
print(len(cms), "dashboard ConfigMaps:", ", ".join(got))
PY
}
mesh_overlay() { # values-mesh-linkerd.yaml (docs/service-mesh.md): what the overlay must render
  python3 - "$CACHE/rendered-prod-linkerd.yaml" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
err = []
sts = [d for d in docs if d["kind"] == "StatefulSet"][0]
ann = sts["spec"]["template"]["metadata"].get("annotations") or {}
for k, v in {"linkerd.io/inject": "enabled", "config.alpha.linkerd.io/proxy-enable-native-sidecar": "true"}.items():
    if ann.get(k) != v:
        err.append(f"pod annotation {k} is {ann.get(k)!r}, want {v!r}")
if "443" not in str(ann.get("config.linkerd.io/skip-outbound-ports", "")).split(","):
    err.append("S3/ACME (443) would go through the proxy before it exists (seed-from-replica)")
ing = [d for d in docs if d["kind"] == "Ingress"]
if not ing or any((i["metadata"].get("annotations") or {}).get("nginx.ingress.kubernetes.io/service-upstream") != "true" for i in ing):
    err.append("Ingress without nginx.ingress.kubernetes.io/service-upstream: true (no mTLS from the ingress)")
np = [d for d in docs if d["kind"] == "NetworkPolicy"][0]
if "linkerd" not in str(np["spec"].get("egress")):
    err.append("NetworkPolicy: no egress to the linkerd control plane")
print("\n".join(err) or "linkerd overlay: injection, native sidecar, skip 443, service-upstream, control-plane egress")
sys.exit(1 if err else 0)
PY
}
if want helm; then
  check "helm lint --strict (${#HELM_CASES[@]} value sets)" helm_lint_all
  for c in "${HELM_CASES[@]}"; do
    IFS='|' read -r name release mode values <<< "$c"
    check "helm template + kubeconform -strict (k8s $K8S_VERSION) + policy: $name" \
      helm_template_conform "$name" "$release" "$mode" "$values"
  done
  check "PrometheusRule in the chart = deploy/monitoring/rules" rules_in_sync
  check "chart's dashboards and Alertmanager config = deploy/monitoring" monitoring_files_in_sync
  check "prod: Alertmanager Secret for kube-prometheus-stack passes amtool (check-config, routes)" am_secret_check
  check "prod: Grafana dashboards as sidecar ConfigMaps (grafana_dashboard=1)" dashboards_configmaps
  reject "helm template rejects testdata/values-canary-misrouted.yaml (canary not on its shard)" \
    "probes shard 2 but ingress.tenantShards routes canary-2 to shard 1" \
    helm template fieldops "$CHART" "${HELM_KUBE[@]}" "${CRDS[@]}" -f "$TD/values-canary-misrouted.yaml"
  check "service mesh overlay (values-mesh-linkerd.yaml, off by default) renders mTLS prerequisites" mesh_overlay
  check "prod blue/green: the PriorityClass the colours use is created once (router release)" bluegreen_priorityclass
  reject "chart policy rejects testdata/values-priority-missing.yaml (PriorityClass created nowhere)" \
    "priorityClassName fieldops-critical is created by 0" priority_missing_policy
  reject "chart policy rejects the prod NetworkPolicy without its OTLP egress rule" \
    "blocks the OTLP endpoint" otlp_blocked_policy
  reject "kubeconform rejects testdata/values-broken.yaml" "is invalid" broken_values_conform
  reject "helm template rejects testdata/values-bad-mode.yaml (chart validation)" "mode must be all, app or router" \
    helm template fieldops "$CHART" "${HELM_KUBE[@]}" -f "$TD/values-bad-mode.yaml"
  reject "chart policy rejects testdata/values-insecure.yaml" "readOnlyRootFilesystem is not true" insecure_values_policy
  reject "helm template rejects testdata/values-bad-retention.yaml (retention shorter than the snapshot period)" \
    "retention must be longer than replication.snapshotEvery" \
    helm template fieldops "$CHART" "${HELM_KUBE[@]}" -f "$TD/values-bad-retention.yaml"
  verdict SKIP "helm install into a real kube-apiserver (kwok nodes)" 0 "separate slow target, see docs/deployment.md"
fi

# ------------------------------------------------------------------ monitoring
alert_test_coverage() { python3 "$MON/tests/coverage.py" "$MON"/rules/*.yml -- "$@"; }
dash_drift() {
  rm -rf "$CACHE/dash" && mkdir -p "$CACHE/dash" &&
    python3 "$MON/grafana/dashboards.py" "$CACHE/dash" && diff -ru "$MON/grafana/dashboards" "$CACHE/dash"
}
# --- log and trace shipping (issue #22: deploy/logging, deploy/otel) ---------------------------------
observability_configs() { # Alloy configs structurally (Alloy is not installable here), collector configs;
  # OTELCOL=<otelcol-fieldops> (deploy/otel/builder.yaml) adds `otelcol validate` of each collector config
  python3 "$ROOT/deploy/check-observability.py"
}
if want helm || want monitoring; then
  check "log shipping (Alloy) and trace collector configs (deploy/check-observability.py)" observability_configs
fi

if want monitoring; then
  check "promtool check rules" promtool check rules "$MON"/rules/*.yml
  check "promtool check config (VM scrape config, Host-header proxy)" promtool check config --syntax-only "$MON/prometheus/prometheus.yml"
  check "promtool test rules (alert and recording rule unit tests)" promtool test rules "$MON"/tests/*.test.yml
  check "every alert has a firing and a quiet unit test" alert_test_coverage "$MON"/tests/*.test.yml
  check "amtool check-config (PagerDuty + email + dead man's switch receivers, templates)" amtool check-config "$MON/alertmanager/alertmanager.yml"
  check "amtool config routes test (critical pages, warning mails, watchdog to the dead man's switch)" am_routes
  check "blackbox_exporter --config.check (outside probes)" \
    prometheus-blackbox-exporter --config.check --config.file="$MON/blackbox/blackbox.yml"
  check "dashcheck: Grafana dashboards (foundation SDK strict) + PromQL + metric contract" \
    dashcheck -metrics "$MON/metrics.txt" -rules "$MON/rules/*.yml" "$MON"/grafana/dashboards/*.json
  check "dashboards match their generator (grafana/dashboards.py)" dash_drift
  reject "promtool rejects testdata/broken.rules.yml" "parse error|unclosed|invalid recording rule name" \
    promtool check rules "$TD/broken.rules.yml"
  reject "promtool test rules fails testdata/wrong-alert.test.yml" "FAILED" promtool test rules "$TD/wrong-alert.test.yml"
  reject "alert test coverage fails with one test file only" "alert without unit test case: FieldOpsWatchdog" \
    alert_test_coverage "$MON/tests/fieldops-drills.test.yml"
  reject "blackbox_exporter rejects testdata/blackbox-broken.yml" "field bogus_field not found" \
    prometheus-blackbox-exporter --config.check --config.file="$TD/blackbox-broken.yml"
  reject "amtool rejects testdata/alertmanager-broken.yml" "undefined receiver" amtool check-config "$TD/alertmanager-broken.yml"
  reject "dashcheck rejects testdata/dashboard-broken.json" "unknown series.*fieldops_tenant_database_bytes" \
    dashcheck -metrics "$MON/metrics.txt" -rules "$MON/rules/*.yml" "$TD/dashboard-broken.json"
  reject "dashcheck rejects testdata/dashboard-logs-broken.json (LogQL on a key the app never logs)" \
    'LogQL uses "customer"' dashcheck "$TD/dashboard-logs-broken.json"
fi

# ------------------------------------------------------------------ Ansible
A="$ROOT/ansible"
PREFIX=/tmp/fieldops-ansible-test
UNIT="$PREFIX/etc/systemd/system/fieldops.service"
RESTART="$HERE/ansible/service.sh restart $UNIT"
BIN="$ROOT/bin/fieldops"
playbook() { (cd "$A" && ANSIBLE_CONFIG="$A/ansible.cfg" ansible-playbook -i "$HERE/ansible/inventory.yml" \
  -e "@$HERE/ansible/vars.yml" -e "fieldops_restart_command='$RESTART'" -e "fieldops_replica=$REPLICA" "$@"); }
ansible_install() {
  # a server left by an interrupted run would answer /readyz in place of the new one
  [ ! -f "$UNIT" ] || "$HERE/ansible/service.sh" stop "$UNIT"
  rm -rf "$PREFIX"
  playbook site.yml -e "fieldops_binary_src=$BIN"
}
ansible_ready() { curl -fsS --max-time 5 http://127.0.0.1:18190/readyz && echo && ps -o user=,args= -p "$(cat "$PREFIX/run/fieldops.pid")"; }
ansible_idempotent() {
  local out
  out=$(playbook site.yml -e "fieldops_binary_src=$BIN") || { echo "$out"; return 1; }
  echo "$out" | tail -n 20
  echo "$out" | grep -Eq 'localhost +: ok=[0-9]+ +changed=0 ' || { echo "second run changed something"; return 1; }
}
ansible_tenant() { # provisions, keeps the admin password out of the output (root-only file), idempotent
  local out creds="$PREFIX/etc/fieldops/tenant-ansible-test.json" pw
  out=$(playbook tenant.yml -e tenant_slug=ansible-test -e "tenant_name='Ansible Test'" -e tenant_sector=elec \
    -e tenant_admin_email=it@example.org) || { echo "$out"; return 1; }
  echo "$out" | grep -E 'created:|changed='
  [ "$(stat -c '%a %U' "$creds")" = "600 root" ] || { echo "credentials file: $(stat -c '%a %U' "$creds")"; return 1; }
  pw=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["admin_password"])' "$creds") || return 1
  [ ${#pw} -ge 8 ] || { echo "no admin password in $creds"; return 1; }
  if grep -qF -e "$pw" -e admin_password <<<"$out"; then echo "the playbook printed the admin password"; return 1; fi
  playbook tenant.yml -e tenant_slug=ansible-test -e "tenant_name='Ansible Test'" -e tenant_sector=elec \
    -e tenant_admin_email=it@example.org | grep -Eq 'changed=0 '
}
ansible_upgrade_rollback() {
  local out
  out=$(playbook site.yml -e "fieldops_binary_src=$TD/broken-fieldops" -e fieldops_version=9.9.9-broken -e fieldops_health_retries=3)
  local rc=$?
  echo "$out" | grep -E 'fatal|rescued|msg' | cut -c1-300
  [ $rc != 0 ] || { echo "the broken release was accepted"; return 1; }
  grep -q 'rolled back to' <<<"$out" || { echo "no rollback message"; return 1; }
  [ "$(readlink "$PREFIX/usr/local/bin/fieldops")" = "$PREFIX/opt/fieldops/releases/fieldops-0.1.0" ] || { echo "symlink not restored"; return 1; }
  curl -fsS --max-time 5 http://127.0.0.1:18190/readyz
}
firstboot_shellcheck() { # the first-boot wizard is only rendered in images: render it here
  /usr/bin/python3 - "$A/roles/fieldops/templates/fieldops-firstboot.sh.j2" > "$CACHE/fieldops-firstboot.sh" <<'PY' &&
import sys, jinja2
print(jinja2.Template(open(sys.argv[1]).read()).render(
    ansible_managed="Ansible managed", fieldops_config_dir="/etc/fieldops",
    fieldops_env_file="/etc/fieldops/fieldops.env", fieldops_sbin_dir="/usr/local/sbin",
    fieldops_data_dir="/var/lib/fieldops"))
PY
    shellcheck -S info "$CACHE/fieldops-firstboot.sh"
}
units_verify() {
  local u
  for u in "$PREFIX"/etc/systemd/system/*.service "$PREFIX"/etc/systemd/system/*.timer; do
    echo "== $u"
    SYSTEMD_LOG_LEVEL=warning systemd-analyze verify "$u" 2>&1 | grep -v 'Special user nobody' | tee "$CACHE/verify.out"
    ! grep -qiE 'error|failed|unknown|invalid' "$CACHE/verify.out" || return 1
  done
}
# Role fieldops_observability (observability.yml; off in site.yml) into its own scratch prefix: the
# repository's configs placed as they are, blackbox_exporter on 127.0.0.1:9115; an Alloy binary
# given (/bin/true stands in) gets its unit, the collector without one gets none and a message;
# second run changes nothing. Two runs, ~9 s.
OBS_PREFIX=/tmp/fieldops-observability-test
obs_playbook() { playbook observability.yml -e "fieldops_observability_root=$OBS_PREFIX" -e fieldops_observability_alloy_binary_src=/bin/true; }
ansible_observability() {
  local out f
  rm -rf "$OBS_PREFIX"
  out=$(obs_playbook) || { echo "$out"; return 1; }
  grep -q 'no binary given (fieldops_observability_otelcol_binary_src): not installed' <<<"$out" || { echo "$out"; return 1; }
  [ ! -e "$OBS_PREFIX/etc/systemd/system/otelcol-fieldops.service" ] || { echo "collector unit written without a binary"; return 1; }
  for f in monitoring/blackbox/blackbox.yml:etc/prometheus/blackbox.yml logging/vm/config.alloy:etc/alloy/config.alloy \
      otel/vm/otelcol.yaml:etc/otelcol-fieldops/otelcol.yaml; do
    cmp "$ROOT/deploy/${f%%:*}" "$OBS_PREFIX/${f#*:}" && echo "deploy/${f%%:*} placed as is" || return 1
  done
  grep -q -- '--web.listen-address=127.0.0.1:9115"' "$OBS_PREFIX/etc/default/prometheus-blackbox-exporter" || return 1
  echo "== alloy.service"
  SYSTEMD_LOG_LEVEL=warning systemd-analyze verify "$OBS_PREFIX/etc/systemd/system/alloy.service" 2>&1 | tee "$CACHE/verify.out"
  ! grep -qiE 'error|failed|unknown|invalid' "$CACHE/verify.out" || return 1
  out=$(obs_playbook) || return 1
  echo "$out" | grep -Eq 'localhost +: ok=[0-9]+ +changed=0 ' || { echo "$out" | tail -n 30; echo "second run changed something"; return 1; }
  rm -rf "$OBS_PREFIX"
}
if want ansible; then
  REPLICA=off
  # File replicas once the binary has the replication command (issue 7); `off` before that.
  if "$BIN" replicate --help >/dev/null 2>&1; then REPLICA="file:$PREFIX/var/backups/fieldops/replicas"; fi
  check "ansible-playbook --syntax-check (site.yml, tenant.yml, observability.yml; inventories dev, staging, prod)" \
    bash -c "cd '$A' && for i in dev staging prod; do ansible-playbook --syntax-check -i inventories/\$i site.yml tenant.yml observability.yml || exit 1; done"
  check "ansible-lint --profile production" bash -c "cd '$A' && ansible-lint --profile production 2>&1 | tee /dev/stderr | grep -Eq 'Passed.* on [1-9][0-9]* files'"
  reject "ansible-lint rejects testdata/bad-playbook.yml" "no-changed-when|fqcn|package-latest" \
    bash -c "cd '$TD' && ansible-lint --profile production bad-playbook.yml"
  check "role fieldops_observability (observability.yml) into $OBS_PREFIX: configs as is, a unit only with a binary, idempotent" \
    ansible_observability
  if [ -x "$BIN" ]; then
    check "ansible role, local run into $PREFIX (replica: $REPLICA)" ansible_install
    check "installed fieldops serve answers /readyz (runs as the service user)" ansible_ready
    check "ansible role is idempotent (second run: changed=0)" ansible_idempotent
    check "tenant.yml provisions a tenant through the CLI, password only in a root-only file (idempotent)" ansible_tenant
    check "smoke.sh against the installed server" "$HERE/smoke.sh" http://localhost:18190 ansible-test
    check "systemd-analyze verify (units written by the role)" units_verify
    check "nft -c (check only) on the firewall table written by the role" nft -c -f "$PREFIX/etc/nftables.d/fieldops.nft"
    reject "nft -c rejects testdata/broken.nft" "syntax error" nft -c -f "$TD/broken.nft"
    check "shellcheck (scripts rendered by the role)" shellcheck -S info "$PREFIX"/usr/local/sbin/fieldops-*
    check "shellcheck (first-boot wizard of the Packer image)" firstboot_shellcheck
    check "upgrade to a broken release is rolled back automatically (/readyz)" ansible_upgrade_rollback
    "$HERE/ansible/service.sh" stop "$UNIT" >/dev/null 2>&1 || true
  else
    verdict FAIL "ansible local run" 0 "bin/fieldops missing: run make build first"
  fi
fi

# ------------------------------------------------------------------ Packer
FAKE_SHA="sha256:$(printf '%064d' 0)"
packer_validate() { # Debian's packer 1.6.6 predates required_plugins: validate without plugins.pkr.hcl
  rm -rf "$CACHE/pk" && mkdir -p "$CACHE/pk" && cp -r "$ROOT/packer" "$CACHE/pk/packer" &&
    ln -s "$ROOT/ansible" "$CACHE/pk/ansible" && rm "$CACHE/pk/packer/plugins.pkr.hcl" &&
    (cd "$CACHE/pk/packer" && packer validate -var debian_iso_checksum="$FAKE_SHA" .)
}
if want packer; then
  check "packer fmt -check" bash -c "cd '$ROOT/packer' && packer fmt -check -diff ."
  check "packer validate (qemu + scaleway builders, ansible provisioner)" packer_validate
  check "packer required_plugins cover every builder and provisioner, pinned (plugins.pkr.hcl)" \
    python3 "$HERE/packer-plugins.py" "$ROOT/packer/fieldops.pkr.hcl" "$ROOT/packer/plugins.pkr.hcl"
  check "shellcheck (packer provisioner scripts)" shellcheck "$ROOT"/packer/scripts/*.sh
  reject "packer validate rejects testdata/packer-broken" "no_such_knob|undefined|Unsupported|required" \
    bash -c "cd '$TD/packer-broken' && packer validate ."
  reject "packer-plugins.py rejects testdata/packer-plugins-missing.pkr.hcl" "ansible: used by the template, missing" \
    python3 "$HERE/packer-plugins.py" "$ROOT/packer/fieldops.pkr.hcl" "$TD/packer-plugins-missing.pkr.hcl"
fi

# ------------------------------------------------------------------ Appliance (first boot)
# The image's first boot, simulated: role applied to a cached Debian rootfs as Packer applies it,
# sealed, booted with systemd (nspawn) behind its firewall; curl on port 80 from outside.
# ~100 s warm (the rootfs tarball is cached in .cache/check-deploy/appliance), ~3.5 min cold.
# A slower check (TOOLS.md, "Suggested split"): `make test` runs it when its inputs changed since the
# run recorded in appliance.verified (commit that file after `make check-appliance` passes);
# APPLIANCE=always (make check-appliance) runs it regardless.
appliance_key() {
  (cd "$ROOT" && git ls-files -z packer ansible scripts/check-deploy/appliance.sh cmd_serve.go cmd_superuser.go cmd_tenant.go |
    sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
}
if want appliance; then
  akey=$(appliance_key)
  if [ "${APPLIANCE:-}" != always ] && [ "$(cut -d' ' -f1 "$HERE/appliance.verified" 2>/dev/null)" = "$akey" ]; then
    verdict SKIP "appliance first boot" 0 "inputs unchanged since the verified run in scripts/check-deploy/appliance.verified ($(cut -d' ' -f2- "$HERE/appliance.verified")); make check-appliance runs it"
  elif [ -x "$BIN" ]; then
    if check "appliance first boot (role in a Debian rootfs as Packer applies it, nspawn boot): curl :80, firewall, caps, super-admin, host keys" \
      "$HERE/appliance.sh"; then
      echo "$akey $(date -u +%Y-%m-%d) $(git -C "$ROOT" rev-parse --short HEAD)" > "$HERE/appliance.verified"
    fi
  else
    verdict FAIL "appliance first boot" 0 "bin/fieldops missing: run make build first"
  fi
fi

# ------------------------------------------------------------------ Terraform / OpenTofu
TF="$ROOT/terraform"
tflint_all() {
  local d
  for d in "$TF"/modules/* "$TF"/envs/*; do
    echo "== tflint $d"
    (cd "$d" && tflint --config="$TF/.tflint.hcl" --format=compact) || return 1
  done
}
# With a filesystem mirror holding a Scaleway provider (TOFU_PROVIDER_MIRROR=<dir> with
# registry.opentofu.org/scaleway/scaleway/<version>/linux_amd64/terraform-provider-scaleway_v<version>):
# `tofu validate` of every module and environment, and `tofu test` of the object_storage module
# (mocked provider: the replica bucket's lock, lifecycle and bucket policy contract). Run in a copy so
# that no .terraform directory lands in the repository.
tofu_with_provider() {
  local d rc=0
  rm -rf "$CACHE/tf" && cp -r "$TF" "$CACHE/tf" || return 1
  printf 'provider_installation {\n  filesystem_mirror {\n    path    = "%s"\n    include = ["registry.opentofu.org/*/*"]\n  }\n  direct {\n    exclude = ["registry.opentofu.org/*/*"]\n  }\n}\n' \
    "$TOFU_PROVIDER_MIRROR" > "$CACHE/tofurc.mirror"
  for d in "$CACHE"/tf/modules/* "$CACHE"/tf/envs/*; do
    echo "== tofu validate ${d#"$CACHE/tf/"}"
    (cd "$d" && TF_CLI_CONFIG_FILE="$CACHE/tofurc.mirror" tofu init -backend=false -input=false -no-color >/dev/null &&
      TF_CLI_CONFIG_FILE="$CACHE/tofurc.mirror" tofu validate -no-color) || rc=1
  done
  echo "== tofu test modules/object_storage"
  (cd "$CACHE/tf/modules/object_storage" && TF_CLI_CONFIG_FILE="$CACHE/tofurc.mirror" tofu test -no-color) || rc=1
  return $rc
}
if want terraform; then
  check "tofu fmt -check -recursive" tofu -chdir="$TF" fmt -check -recursive -diff
  check "tflint (terraform ruleset, all rules) on 4 modules and 3 environments" tflint_all
  if [ -n "${TOFU_PROVIDER_MIRROR:-}" ]; then
    check "tofu validate (4 modules, 3 environments) + tofu test object_storage (provider from $TOFU_PROVIDER_MIRROR)" tofu_with_provider
  else
    verdict SKIP "tofu validate, tofu test" 0 "the Scaleway provider is not served by the Go module proxy (403) and no Terraform registry is reachable; set TOFU_PROVIDER_MIRROR"
  fi
  reject "tofu fmt -check rejects testdata/terraform-broken" "main.tf" tofu -chdir="$TD/terraform-broken" fmt -check -list=true
  reject "tflint rejects testdata/terraform-broken" "terraform_typed_variables|terraform_unused_declarations|terraform_required_version" \
    bash -c "cd '$TD/terraform-broken' && tflint --config='$TF/.tflint.hcl' --format=compact"
fi

# ------------------------------------------------------------------ workflows
if want workflows; then
  check "actionlint (+ shellcheck of run: scripts) on ci.yml, cd.yml, tenant.yml" bash -c "cd '$ROOT' && actionlint"
  reject "actionlint rejects testdata/workflow-broken.yml" "unknown Webhook event|undefined|fetch-depht" \
    actionlint "$TD/workflow-broken.yml"
fi

# ------------------------------------------------------------------ GitOps (Argo CD)
# deploy/gitops: Applications/ApplicationSets/AppProjects per cluster, validated by kubeconform with
# the schemas of the CRDs they are instances of (Argo CD's manifests/crds of the pinned release,
# cert-manager's ClusterIssuer), both from the Go module proxy, plus gitops-policy.py (pinned charts,
# add-ons present, sync waves, values files, projects) and a render of each fieldops Application.
GITOPS="$ROOT/deploy/gitops"
GITOPS_SCHEMAS="$CACHE/schemas-gitops-$ARGOCD_VERSION-$CERT_MANAGER_VERSION"
install_gitops_schemas() {
  [ -s "$GITOPS_SCHEMAS/application-argoproj-v1alpha1.json" ] && [ -s "$GITOPS_SCHEMAS/clusterissuer-cert-manager-v1.json" ] && return 0
  local argo cm
  argo=$(cd "$ROOT/tools" && go mod download -json "github.com/argoproj/argo-cd/v3@$ARGOCD_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p') || return 1
  cm=$(cd "$ROOT/tools" && go mod download -json "github.com/cert-manager/cert-manager@$CERT_MANAGER_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p') || return 1
  rm -rf "$GITOPS_SCHEMAS.tmp"
  python3 "$HERE/k8s-schemas.py" --crd "$argo/manifests/crds/application-crd.yaml" \
    --crd "$argo/manifests/crds/applicationset-crd.yaml" --crd "$argo/manifests/crds/appproject-crd.yaml" \
    --crd "$cm/deploy/crds/cert-manager.io_clusterissuers.yaml" --out "$GITOPS_SCHEMAS.tmp" &&
    mv "$GITOPS_SCHEMAS.tmp" "$GITOPS_SCHEMAS"
}
gconform() {
  kubeconform -strict -summary -kubernetes-version "$K8S_VERSION" \
    -schema-location "$SCHEMAS/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
    -schema-location "$GITOPS_SCHEMAS/{{ .ResourceKind }}{{ .KindSuffix }}.json" "$@"
}
# helm template of every fieldops Application of deploy/gitops as Argo CD renders it (its values
# files and parameters, $ARGOCD_APP_REVISION = a commit), then kubeconform and the chart policy.
gitops_fieldops_render() {
  local line name values params out n=0
  while IFS='|' read -r name values params; do
    out="$CACHE/gitops-$name.yaml"
    local args=() v p
    for v in $values; do args+=(-f "$CHART/$v"); done
    for p in $params; do args+=(--set "$p"); done   # Argo CD passes parameters as --set
    echo "== $name: ${args[*]}"
    helm template fieldops "$CHART" -n "fieldops-$name" "${HELM_KUBE[@]}" "${CRDS[@]}" "${args[@]}" > "$out" || return 1
    kconform "$out" || return 1
    # the PriorityClass it names comes from the cluster's priorityclass Application: policy on both
    if [[ "$params" == *priorityClassName=* ]]; then
      cat "$GITOPS/platform/priorityclass/priorityclass.yaml" >> "$out"
    fi
    python3 "$HERE/chart-policy.py" "$( [ "${values#*dedicated}" != "$values" ] && echo dedicated || echo all)" "$out" crds || return 1
    n=$((n + 1))
  done < <(python3 - "$GITOPS" <<'PY'
import glob, sys, yaml
rev = "0123456789abcdef0123456789abcdef01234567"
for path in sorted(glob.glob(sys.argv[1] + "/clusters/*/*.yaml")):
    for d in yaml.safe_load_all(open(path)):
        if not d:
            continue
        if d.get("kind") == "Application" and d["spec"].get("source", {}).get("path") == "helm/fieldops":
            items = [(d["metadata"]["name"], d["spec"]["source"]["helm"], {})]
        elif d.get("kind") == "ApplicationSet":
            items = []
            for c in sorted(glob.glob(sys.argv[1] + "/customers/*/customer.yaml")):
                cust = yaml.safe_load(open(c))
                h = d["spec"]["template"]["spec"]["source"]["helm"]
                items.append(("customer-" + cust["customer"], h, cust))
        else:
            continue
        for name, helm, cust in items:
            vals = [v.replace("{{ .valuesFile }}", cust.get("valuesFile", "")) for v in helm.get("valueFiles", [])]
            params = [p["name"] + "=" + str(p["value"]).replace("$ARGOCD_APP_REVISION", rev) for p in helm.get("parameters", [])]
            print(name + "|" + " ".join(vals) + "|" + " ".join(params))
PY
)
  [ "$n" -ge 3 ] || { echo "expected at least 3 fieldops Applications (dev, staging, a customer), rendered $n"; return 1; }
}
# Alloy's values embed deploy/logging/kubernetes/config.alloy; the alloy chart passes
# alloy.configMap.content through `tpl` into its ConfigMap: the same template line, rendered by helm,
# must give back the file byte for byte (gitops-policy.py checks the escaping without helm).
gitops_alloy_tpl() {
  local c="$CACHE/alloy-tpl"
  rm -rf "$c" && mkdir -p "$c/templates" || return 1
  printf 'apiVersion: v2\nname: alloy-tpl\nversion: 0.0.0\n' > "$c/Chart.yaml"
  # templates/configmap.yaml of the alloy chart (grafana/alloy operations/helm/charts/alloy)
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: alloy\ndata:\n  config.alloy: |- {{- (tpl .Values.alloy.configMap.content .) | nindent 4 }}\n' \
    > "$c/templates/configmap.yaml"
  helm template alloy "$c" -f "$GITOPS/values/alloy.yaml" > "$c/out.yaml" || return 1
  python3 - "$c/out.yaml" "$ROOT/deploy/logging/kubernetes/config.alloy" <<'PY'
import sys, yaml
got = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d][0]["data"]["config.alloy"]
want = open(sys.argv[2]).read()
if got != want.rstrip("\n"):
    sys.exit("rendered config.alloy differs from deploy/logging/kubernetes/config.alloy")
print("rendered config.alloy = deploy/logging/kubernetes/config.alloy (%d lines)" % len(want.splitlines()))
PY
}
if want gitops; then
  check "generate Argo CD $ARGOCD_VERSION + cert-manager $CERT_MANAGER_VERSION CRD schemas (Go module proxy)" install_gitops_schemas
  check "kubeconform -strict deploy/gitops (Argo CD Application/ApplicationSet/AppProject, ClusterIssuer, PriorityClass)" \
    gconform "$GITOPS/bootstrap" "$GITOPS/clusters" "$GITOPS/platform"
  check "gitops policy: pinned charts, add-ons per cluster, sync waves (CRDs first), values files, projects, customers, copies, probes" \
    python3 "$HERE/gitops-policy.py" "$ROOT"
  check "fieldops Applications render as Argo CD renders them (values + parameters) + kubeconform + chart policy" \
    gitops_fieldops_render
  check "alloy values: helm tpl renders deploy/logging/kubernetes/config.alloy exactly" gitops_alloy_tpl
  reject "gitops policy rejects testdata/gitops-blackbox-drift.yaml (modules differ from blackbox.yml)" \
    "config.modules differ from deploy/monitoring/blackbox/blackbox.yml" \
    python3 "$HERE/gitops-policy.py" "$ROOT" --copies blackbox="$TD/gitops-blackbox-drift.yaml"
  reject "gitops policy rejects testdata/gitops-alloy-drift.yaml (config differs, unescaped template)" \
    "differs from deploy/logging/kubernetes/config.alloy" \
    python3 "$HERE/gitops-policy.py" "$ROOT" --copies alloy="$TD/gitops-alloy-drift.yaml"
  reject "kubeconform rejects testdata/gitops-broken-application.yaml (Argo CD CRD schema)" \
    "additional properties 'targetRevison' not allowed|missing property 'destination'" \
    gconform "$TD/gitops-broken-application.yaml"
  reject "gitops policy rejects testdata/gitops-unpinned-application.yaml (floating chart version)" \
    "is not pinned to an exact version" python3 "$HERE/gitops-policy.py" "$ROOT" "$TD/gitops-unpinned-application.yaml"
fi

# ------------------------------------------------------------------ supply chain
# Every `uses:` of a workflow is pinned by a full commit SHA with its tag in a comment (Renovate
# keeps both current: renovate.json), renovate.json covers what it must, no secret in git history.
actions_pinned() { # FILE...: prints the offending lines, fails when one is not pinned
  local all bad
  all=$(grep -nE '^[[:space:]]*(-[[:space:]]+)?uses:' "$@")
  bad=$(grep -vE 'uses:[[:space:]]*(\./|docker://[^[:space:]]+@sha256:[0-9a-f]{64})' <<<"$all" |
    grep -vE 'uses:[[:space:]]*[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}[[:space:]]+#[[:space:]]*v[0-9]+(\.[0-9]+){0,2}[[:space:]]*$')
  if [ -n "$bad" ]; then
    echo "not pinned by a 40-hex commit SHA with '# vX.Y.Z':"
    echo "$bad"
    return 1
  fi
  echo "$(grep -c . <<<"$all") uses: lines, all pinned by commit SHA"
}
GITLEAKS_VERSION=v8.30.1            # tools/gitleaks/go.mod
install_gitleaks() {
  local key
  key=$(cat "$ROOT/tools/gitleaks/go.mod" "$ROOT/tools/gitleaks/go.sum" | sha256sum | cut -c1-16)
  stamp_ok "$TOOLS/.gitleaks.stamp" "$key" && [ -x "$TOOLS/gitleaks" ] && return 0
  echo "building gitleaks (tools/gitleaks, ~20 CPU-seconds)"
  (cd "$ROOT/tools/gitleaks" && go build -ldflags="-s -w -X github.com/zricethezav/gitleaks/v8/version.Version=$GITLEAKS_VERSION" \
    -o "$TOOLS/gitleaks" github.com/zricethezav/gitleaks/v8) && echo "$key" > "$TOOLS/.gitleaks.stamp"
}
gitleaks_fixture() { # the fake AWS key of testdata/gitleaks, outside its allowlisted directory
  rm -rf "$CACHE/gitleaks-fixture" && mkdir -p "$CACHE/gitleaks-fixture" &&
    cp "$TD/gitleaks/leaked.env" "$CACHE/gitleaks-fixture/" &&
    gitleaks dir --no-banner --no-color --redact -v -c "$ROOT/.gitleaks.toml" "$CACHE/gitleaks-fixture"
}
if want supplychain; then
  check "every workflow action pinned by a 40-hex commit SHA (tag in a comment)" actions_pinned "$ROOT"/.github/workflows/*.yml
  reject "the pin check rejects testdata/workflow-unpinned.yml (tag, short SHA, branch)" "not pinned by a 40-hex" \
    actions_pinned "$TD/workflow-unpinned.yml"
  check "renovate.json: managers enabled, every regex manager still matches (base images, Debian snapshot, ISO, tools)" \
    python3 "$HERE/renovate-check.py" "$ROOT"
  check "install gitleaks $GITLEAKS_VERSION (tools/gitleaks/go.mod)" install_gitleaks
  check "gitleaks: no secret in the git history (.gitleaks.toml, triaged allowlist)" \
    gitleaks git --no-banner --no-color --redact -c "$ROOT/.gitleaks.toml" "$ROOT"
  reject "gitleaks catches the fake AWS key of testdata/gitleaks/leaked.env" "RuleID: +aws-access-token" gitleaks_fixture
fi

# ------------------------------------------------------------------ trivy config (slow, stamped)
# `trivy config` (misconfigurations) on the Dockerfile, the Helm chart (each environment's values),
# the OpenTofu code and deploy/gitops. Building trivy costs ~1,000 CPU-seconds cold, so, like the
# appliance: `make check-deploy` runs it only when its inputs changed since the run recorded in
# scripts/check-deploy/trivy.verified (commit that file after `make check-trivy` passes) AND trivy
# is already built (else SKIP with the reason: no cold build inside make test); TRIVY=always
# (make check-trivy) builds and runs it regardless; TRIVY=skip never (ci.yml: own job). Findings are triaged in .trivyignore.yaml
# (docs/security/trivy-findings.md): the check fails on any HIGH/CRITICAL finding not triaged.
TRIVY_VERSION=v0.74.0               # tools/trivy/go.mod
install_trivy() {
  local key
  key=$(cat "$ROOT/tools/trivy/go.mod" "$ROOT/tools/trivy/go.sum" | sha256sum | cut -c1-16)
  stamp_ok "$TOOLS/.trivy.stamp" "$key" && [ -x "$TOOLS/trivy" ] && return 0
  echo "building trivy (tools/trivy; ~1,000 CPU-seconds cold; Go 1.26 with GOEXPERIMENT=jsonv2)"
  (cd "$ROOT/tools/trivy" && GOTOOLCHAIN=local GOEXPERIMENT=jsonv2 go build \
    -ldflags="-s -w -X github.com/aquasecurity/trivy/pkg/version/app.ver=$TRIVY_VERSION" \
    -o "$TOOLS/trivy" github.com/aquasecurity/trivy/cmd/trivy) && echo "$key" > "$TOOLS/.trivy.stamp"
}
trivy_key() {
  (cd "$ROOT" && git ls-files -z Dockerfile helm terraform deploy/gitops .trivyignore.yaml tools/trivy/go.mod |
    sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
}
trivy_config() { # TARGET [extra trivy args]: fails on an untriaged HIGH/CRITICAL misconfiguration
  local target=$1
  shift
  trivy config --quiet --skip-check-update --cache-dir "$CACHE/trivy" --ignorefile "$ROOT/.trivyignore.yaml" \
    --severity HIGH,CRITICAL --exit-code 1 "$@" "$target"
}
trivy_helm_envs() {
  local v
  for v in values-dev.yaml values-staging.yaml values-prod.yaml values-dedicated.yaml; do
    echo "== helm/fieldops with $v"
    trivy_config "$CHART" --helm-values "$CHART/$v" --helm-kube-version "$K8S_VERSION" || return 1
  done
}
if want trivy; then
  tkey=$(trivy_key)
  if [ "${TRIVY:-}" = skip ]; then
    verdict SKIP "trivy config" 0 "TRIVY=skip (ci.yml runs it in its own job, iac-scan)"
  elif [ "${TRIVY:-}" != always ] && [ "$(cut -d' ' -f1 "$HERE/trivy.verified" 2>/dev/null)" = "$tkey" ]; then
    verdict SKIP "trivy config" 0 "inputs unchanged since the verified run in scripts/check-deploy/trivy.verified ($(cut -d' ' -f2- "$HERE/trivy.verified")); make check-trivy runs it"
  elif [ "${TRIVY:-}" != always ] && ! { [ -x "$TOOLS/trivy" ] && stamp_ok "$TOOLS/.trivy.stamp" \
      "$(cat "$ROOT/tools/trivy/go.mod" "$ROOT/tools/trivy/go.sum" | sha256sum | cut -c1-16)"; }; then
    # never a 1,000 CPU-second build inside make test / make check-deploy
    verdict SKIP "trivy config" 0 "inputs changed since scripts/check-deploy/trivy.verified and trivy is not built: run make check-trivy (builds it once) and commit trivy.verified; ci.yml's iac-scan job runs it on every push"
  else
    tfail=$failn
    check "install trivy $TRIVY_VERSION (tools/trivy/go.mod)" install_trivy
    check "trivy config Dockerfile" trivy_config "$ROOT/Dockerfile"
    check "trivy config helm/fieldops (dev, staging, prod, dedicated values)" trivy_helm_envs
    check "trivy config terraform/" trivy_config "$TF"
    check "trivy config deploy/gitops (Argo CD manifests, add-on values)" trivy_config "$GITOPS"
    reject "trivy config rejects testdata/values-insecure.yaml rendered (privileged, root)" "Failures: [1-9]" \
      trivy_config "$CHART" --helm-values "$TD/values-insecure.yaml" --helm-kube-version "$K8S_VERSION"
    if [ "$failn" = "$tfail" ]; then
      echo "$tkey $(date -u +%Y-%m-%d) $(git -C "$ROOT" rev-parse --short HEAD)" > "$HERE/trivy.verified"
    fi
  fi
fi

echo
echo "check-deploy took $(( $(date +%s) - START ))s; logs and tool versions in $LOGS"
echo "check-deploy: $pass passed, $failn failed, $skipn skipped"
[ "$failn" = 0 ]
