#!/usr/bin/env python3
"""Policy checks on manifests rendered by `helm template` (what kubeconform cannot know).

  chart-policy.py MODE RENDERED.yaml [crds|no-crds]      MODE: all | app | router | dedicated
  (crds: rendered with the monitoring CRDs available; no-crds: rendered without them)
  chart-policy.py priorityclass RENDERED.yaml...         the releases installed together (blue,
  green, router): every priorityClassName a pod uses is created by exactly one of them

Checks: every container runs non-root with a read-only root filesystem, no privilege escalation,
all capabilities dropped, resource requests and a memory limit; serve has startup/liveness/readiness
probes on /healthz and /readyz; the replication sidecar is a native sidecar (init container with
restartPolicy Always) that starts before serve, with `fieldops backup status --alive` as startup and
liveness probes, `fieldops backup status --receiving --max-lag D` as readiness probe and its retention, snapshot
and drill periods set; the grace period covers serve's drain; the NetworkPolicy lets the OTLP
endpoint's port out; a PriorityClass a pod names is rendered (modes all, dedicated); volumes
mounted at /data and /tmp; PDB, NetworkPolicy and topology spread present; the Ingress serves
<domain>, *.<domain> and the custom hosts; in router mode the stable Service selects a colour;
ServiceMonitor/PrometheusRule/Probe only rendered when the cluster has their CRDs.
Exit 0 when every check passes, 1 otherwise (one line per violation).
"""
import sys
from urllib.parse import urlparse

import yaml

errors = []


def fail(msg):
    errors.append(msg)


def kinds(docs, kind):
    return [d for d in docs if d.get("kind") == kind]


def check_container(c, where):
    sc = c.get("securityContext") or {}
    if sc.get("readOnlyRootFilesystem") is not True:
        fail(f"{where}: readOnlyRootFilesystem is not true")
    if sc.get("allowPrivilegeEscalation") is not False:
        fail(f"{where}: allowPrivilegeEscalation is not false")
    if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
        fail(f"{where}: capabilities are not all dropped")
    res = c.get("resources") or {}
    if not (res.get("requests") or {}).get("memory") or not (res.get("requests") or {}).get("cpu"):
        fail(f"{where}: no cpu/memory requests")
    if not (res.get("limits") or {}).get("memory"):
        fail(f"{where}: no memory limit")
    mounts = {m["mountPath"] for m in c.get("volumeMounts") or []}
    for p in ("/data", "/tmp"):
        if p not in mounts:
            fail(f"{where}: {p} not mounted")


def seconds(go_duration):
    total, num = 0, ""
    for ch in go_duration:
        if ch.isdigit():
            num += ch
        else:
            total += int(num or 0) * {"h": 3600, "m": 60, "s": 1}[ch]
            num = ""
    return total


def check_app(docs, dedicated, standalone):
    sts = kinds(docs, "StatefulSet")
    if len(sts) != 1:
        fail(f"expected 1 StatefulSet, got {len(sts)}")
        return
    s = sts[0]
    spec = s["spec"]["template"]["spec"]
    psc = spec.get("securityContext") or {}
    if psc.get("runAsNonRoot") is not True or not psc.get("runAsUser"):
        fail("pod: runAsNonRoot/runAsUser not set")
    if (psc.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
        fail("pod: seccompProfile is not RuntimeDefault")
    if spec.get("automountServiceAccountToken") is not False:
        fail("pod: service account token is mounted (the app never calls the API)")
    containers = {c["name"]: c for c in spec["containers"]}
    inits = spec.get("initContainers") or []
    serve = containers.get("serve")
    if not serve:
        fail("no serve container")
        return
    for c in spec["containers"] + inits:
        check_container(c, f"container {c['name']}")
    if serve.get("args", [None])[0] != "serve":
        fail("serve container does not run `fieldops serve`")
    for probe, path in (("startupProbe", "/healthz"), ("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        got = ((serve.get(probe) or {}).get("httpGet") or {}).get("path")
        if got != path:
            fail(f"serve: {probe} path is {got}, want {path}")
    env = {e["name"]: e.get("value") for e in serve.get("env") or []}
    names = [c["name"] for c in inits]
    if env.get("FIELDOPS_REPLICA", "off") != "off":
        if "replicate" not in names:
            fail("replication configured but no replicate sidecar")
        else:
            rep = inits[names.index("replicate")]
            if rep.get("restartPolicy") != "Always":
                fail("replicate is not a native sidecar (restartPolicy: Always)")
            if (rep.get("args") or [None])[0] != "replicate":
                fail("replicate sidecar does not run `fieldops replicate`")
            if not rep.get("startupProbe"):
                fail("replicate sidecar has no startup probe (serve would start before it)")
            alive = ["fieldops", "backup", "status", "--alive"]
            for probe in ("startupProbe", "livenessProbe"):
                got = ((rep.get(probe) or {}).get("exec") or {}).get("command")
                if got != alive:
                    fail(f"replicate: {probe} is {got}, want {alive} (the process answers on its socket)")
            ready = ((rep.get("readinessProbe") or {}).get("exec") or {}).get("command") or []
            if ready[:3] != ["fieldops", "backup", "status"] or "--alive" in ready or "--receiving" not in ready or "--max-lag" not in ready:
                fail(f"replicate: readinessProbe is {ready or None}, want `fieldops backup status --receiving --max-lag D` "
                     "(a replica that is not receiving makes the pod not ready)")
            rep_env = {e["name"]: e.get("value") for e in rep.get("env") or []}
            if rep_env.get("FIELDOPS_REPLICA") != env.get("FIELDOPS_REPLICA"):
                fail("serve and replicate disagree on FIELDOPS_REPLICA")
            for k in ("FIELDOPS_RETENTION", "FIELDOPS_SNAPSHOT_EVERY", "FIELDOPS_DRILL_EVERY"):
                if not rep_env.get(k):
                    fail(f"replicate sidecar: {k} is not set (retention is Litestream's, not the bucket's)")
    if dedicated and "provision" not in names:
        fail("dedicated mode without the provision init container")
    if "restore" in names and "replicate" in names and names.index("restore") > names.index("replicate"):
        fail("restore must run before the replicate sidecar starts")
    # the app's ConfigMap, not the Grafana dashboards' (monitoring.dashboards)
    cm = [c for c in kinds(docs, "ConfigMap") if "grafana_dashboard" not in (c["metadata"].get("labels") or {})]
    grace = seconds(cm[0]["data"].get("FIELDOPS_GRACE", "20s")) if cm else 20
    if spec.get("terminationGracePeriodSeconds", 30) < grace + 10:
        fail(f"terminationGracePeriodSeconds {spec.get('terminationGracePeriodSeconds')} does not cover --grace {grace}s")
    if not spec.get("topologySpreadConstraints") and not dedicated:
        fail("no topology spread constraints")
    vct = s["spec"].get("volumeClaimTemplates") or []
    if not vct or vct[0]["metadata"]["name"] != "data":
        fail("no data volumeClaimTemplate")
    if not kinds(docs, "PodDisruptionBudget") and not dedicated:
        fail("no PodDisruptionBudget")
    if not kinds(docs, "NetworkPolicy"):
        fail("no NetworkPolicy")
    otlp = (cm[0]["data"].get("OTEL_EXPORTER_OTLP_ENDPOINT") if cm else None) or ""
    if otlp and kinds(docs, "NetworkPolicy"):
        u = urlparse(otlp)
        port = u.port or (443 if u.scheme == "https" else 80)
        allowed = {p.get("port") for np in kinds(docs, "NetworkPolicy") for rule in np["spec"].get("egress") or []
                   for p in rule.get("ports") or [] if p.get("protocol", "TCP") == "TCP"}
        if port not in allowed:
            fail(f"NetworkPolicy blocks the OTLP endpoint {otlp} (egress TCP {port} not allowed)")
    if standalone:  # a colour's PriorityClass comes from the router release (mode priorityclass)
        check_priority_classes([docs])
    if not [d for d in kinds(docs, "Service") if d["spec"].get("clusterIP") == "None"]:
        fail("no headless Service")


def check_priority_classes(releases):
    """Every priorityClassName used by a pod of these releases is created by exactly one of them."""
    used, created = set(), []
    for docs in releases:
        for s in kinds(docs, "StatefulSet"):
            if s["spec"]["template"]["spec"].get("priorityClassName"):
                used.add(s["spec"]["template"]["spec"]["priorityClassName"])
        created += [d["metadata"]["name"] for d in kinds(docs, "PriorityClass")]
    for name in sorted(used):
        n = created.count(name)
        if n != 1:
            fail(f"priorityClassName {name} is created by {n} release(s), want 1 (pods would be rejected)")


def check_router(docs, mode):
    ing = kinds(docs, "Ingress")
    if len(ing) != 1:
        fail(f"expected 1 Ingress, got {len(ing)}")
        return
    hosts = [r["host"] for r in ing[0]["spec"]["rules"]]
    wild = [h for h in hosts if h.startswith("*.")]
    if not wild:
        fail("Ingress has no wildcard tenant host")
    elif wild[0][2:] not in hosts:
        fail("Ingress does not serve the platform host <domain>")
    services = {d["metadata"]["name"]: d for d in kinds(docs, "Service")}
    for r in ing[0]["spec"]["rules"]:
        for p in r["http"]["paths"]:
            name = p["backend"]["service"]["name"]
            if name not in services:
                fail(f"Ingress host {r['host']} points at missing Service {name}")
    if mode == "router":
        stable = [s for s in services.values() if s["metadata"]["labels"].get("fieldops.io/service") == "client"]
        if not stable or "fieldops.io/color" not in stable[0]["spec"]["selector"]:
            fail("router: the stable Service does not select a colour")
        if kinds(docs, "StatefulSet"):
            fail("router mode renders a StatefulSet")


def load(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def main():
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "priorityclass":
        check_priority_classes([load(p) for p in sys.argv[2:]])
        for e in errors:
            print(f"policy: {' '.join(sys.argv[2:])}: {e}")
        sys.exit(1 if errors else 0)
    crds = sys.argv[3] if len(sys.argv) > 3 else ""
    docs = load(path)
    crd_kinds = {d["kind"] for d in docs} & {"ServiceMonitor", "PrometheusRule", "Probe"}
    if crds == "no-crds" and crd_kinds:
        fail(f"{sorted(crd_kinds)} rendered although the cluster has no such CRD")
    if crds == "crds":
        if mode in ("all", "app", "dedicated") and "ServiceMonitor" not in crd_kinds:
            fail("ServiceMonitor missing although the CRD is available")
        if mode in ("all", "router", "dedicated") and "PrometheusRule" not in crd_kinds:
            fail("PrometheusRule missing although the CRD is available")
        if mode == "app" and "PrometheusRule" in crd_kinds:
            fail("a colour release renders the PrometheusRule (rules would be evaluated twice)")
    if mode in ("all", "app", "dedicated"):
        check_app(docs, mode == "dedicated", mode in ("all", "dedicated"))
    if mode in ("all", "router", "dedicated"):
        check_router(docs, mode)
    for e in errors:
        print(f"policy: {path}: {e}")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
