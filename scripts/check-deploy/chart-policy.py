#!/usr/bin/env python3
"""Policy checks on manifests rendered by `helm template` (what kubeconform cannot know).

  chart-policy.py MODE RENDERED.yaml [crds|no-crds]      MODE: all | app | router | dedicated | scaleout
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


def check_scaleout(docs):
    """scaleOut: a control-plane StatefulSet (1 pod, HAProxy sidecar) and a shards StatefulSet, each
    checked as the all-in-one one is; roles, cluster token, placement proxy, one HAProxy backend per
    shard, every Ingress host to the edge, shards reachable from the control plane only."""
    sts = {s["metadata"]["name"].rsplit("-", 1)[-1]: s for s in kinds(docs, "StatefulSet")}
    if sorted(sts) != ["control", "shard"]:
        fail(f"scaleout: expected StatefulSets <release>-control and <release>-shard, got {sorted(sts)}")
        return
    control, shard = sts["control"], sts["shard"]
    if control["spec"]["replicas"] != 1:
        fail("scaleout: the control plane runs 1 replica")
    rest = [d for d in docs if d.get("kind") != "StatefulSet"]
    proxy = None
    for s in (control, shard):
        spec = s["spec"]["template"]["spec"]
        inits = spec.get("initContainers") or []
        if s is control:
            proxy = next((c for c in inits if c["name"] == "haproxy"), None)
            spec = dict(spec, initContainers=[c for c in inits if c["name"] != "haproxy"])
            s = dict(s, spec=dict(s["spec"], template=dict(s["spec"]["template"], spec=spec)))
        check_app(rest + [s], False, s is control)
    if not proxy:
        fail("scaleout: the control plane has no haproxy sidecar")
        return
    if proxy.get("restartPolicy") != "Always" or not proxy.get("startupProbe"):
        fail("scaleout: haproxy is not a native sidecar with a startup probe (serve would publish before it listens)")
    psc = proxy.get("securityContext") or {}
    if psc.get("readOnlyRootFilesystem") is not True or psc.get("allowPrivilegeEscalation") is not False:
        fail("scaleout: haproxy is not read-only / without privilege escalation")
    if not ((proxy.get("resources") or {}).get("limits") or {}).get("memory"):
        fail("scaleout: haproxy has no memory limit")

    def env(s):
        c = next(c for c in s["spec"]["template"]["spec"]["containers"] if c["name"] == "serve")
        return {e["name"]: e for e in c.get("env") or []}
    ce, se = env(control), env(shard)
    for name, e, role in (("control", ce, "control"), ("shard", se, "shard")):
        if (e.get("FIELDOPS_ROLE") or {}).get("value") != role:
            fail(f"scaleout: {name} serve has FIELDOPS_ROLE {(e.get('FIELDOPS_ROLE') or {}).get('value')}, want {role}")
        if not ((e.get("FIELDOPS_CLUSTER_TOKEN") or {}).get("valueFrom") or {}).get("secretKeyRef"):
            fail(f"scaleout: {name} serve does not take FIELDOPS_CLUSTER_TOKEN from the Secret")
    for k in ("FIELDOPS_SHARD_ID", "FIELDOPS_CONTROL_PLANE", "FIELDOPS_ADVERTISE"):
        if not (se.get(k) or {}).get("value"):
            fail(f"scaleout: shard serve has no {k}")
    rep = next((c for c in shard["spec"]["template"]["spec"].get("initContainers") or [] if c["name"] == "replicate"), None)
    if rep and "shards/$(POD_NAME)/" not in str({e["name"]: e.get("value") for e in rep.get("env") or []}.get("FIELDOPS_PLATFORM_REPLICA_PATH")):
        fail("scaleout: the shards' replicate sidecar must keep their control-plane copy apart (FIELDOPS_PLATFORM_REPLICA_PATH shards/<id>/platform)")
    replica = (ce.get("FIELDOPS_REPLICA") or {}).get("value")
    if replica != (se.get("FIELDOPS_REPLICA") or {}).get("value") or "$(POD_INDEX)" in (replica or ""):
        fail("scaleout: the control plane and every shard must replicate to one replica root (no {shard})")
    sock = ((ce.get("FIELDOPS_PROXY") or {}).get("value") or "").removeprefix("haproxy:unix://")
    mapfile = (ce.get("FIELDOPS_PROXY_MAP") or {}).get("value") or ""
    cfgs = [d["data"]["haproxy.cfg"] for d in kinds(docs, "ConfigMap") if "haproxy.cfg" in (d.get("data") or {})]
    if not sock or not mapfile or len(cfgs) != 1:
        fail("scaleout: control serve needs FIELDOPS_PROXY (unix socket) and FIELDOPS_PROXY_MAP, and one haproxy.cfg")
        return
    cfg = cfgs[0]
    if f"stats socket {sock} " not in cfg or "level admin" not in cfg:
        fail(f"scaleout: haproxy.cfg has no admin stats socket at {sock}")
    if f"map({mapfile},control)" not in cfg or "backend control" not in cfg:
        fail(f"scaleout: haproxy.cfg does not route by the map {mapfile} with backend control as default")
    for i in range(shard["spec"]["replicas"]):
        if f"backend shard_{shard['metadata']['name']}-{i}\n".replace("-", "_") not in cfg:
            fail(f"scaleout: haproxy.cfg has no backend for shard {shard['metadata']['name']}-{i}")
    edge_ports = {p["name"] for p in proxy.get("ports") or []}
    services = {d["metadata"]["name"]: d for d in kinds(docs, "Service")}
    for ing in kinds(docs, "Ingress"):
        for r in ing["spec"]["rules"]:
            for p in r["http"]["paths"]:
                svc = services.get(p["backend"]["service"]["name"])
                if not svc or not any(sp.get("targetPort") in edge_ports for sp in svc["spec"]["ports"]):
                    fail(f"scaleout: Ingress host {r['host']} does not go to HAProxy (the edge Service)")
    nps = {n["metadata"]["name"].rsplit("-", 1)[-1]: n for n in kinds(docs, "NetworkPolicy")}
    if sorted(nps) != ["control", "shard"]:
        fail(f"scaleout: expected NetworkPolicies <release>-control and <release>-shard, got {sorted(nps)}")
        return
    for peer in (r for rule in nps["shard"]["spec"].get("ingress") or [] for r in rule.get("from") or []):
        if "podSelector" in peer and (peer["podSelector"].get("matchLabels") or {}).get("app.kubernetes.io/component") != "control":
            fail(f"scaleout: the shards accept pods other than the control plane: {peer}")
        if "ipBlock" in peer:
            fail(f"scaleout: the shards accept an ipBlock: {peer}")


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
        if mode in ("all", "app", "dedicated", "scaleout") and "ServiceMonitor" not in crd_kinds:
            fail("ServiceMonitor missing although the CRD is available")
        if mode in ("all", "router", "dedicated", "scaleout") and "PrometheusRule" not in crd_kinds:
            fail("PrometheusRule missing although the CRD is available")
        if mode == "app" and "PrometheusRule" in crd_kinds:
            fail("a colour release renders the PrometheusRule (rules would be evaluated twice)")
    if mode in ("all", "app", "dedicated"):
        check_app(docs, mode == "dedicated", mode in ("all", "dedicated"))
    if mode == "scaleout":
        check_scaleout(docs)
    if mode in ("all", "router", "dedicated", "scaleout"):
        check_router(docs, mode)
    for e in errors:
        print(f"policy: {path}: {e}")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
