#!/usr/bin/env python3
"""Policy checks on the Argo CD manifests of deploy/gitops (what kubeconform's schemas cannot know).

  gitops-policy.py REPO_ROOT [FILE.yaml ...]
  gitops-policy.py REPO_ROOT --copies [blackbox=VALUES.yaml] [alloy=VALUES.yaml]

Without files: checks deploy/gitops as a whole. With files: checks only those Applications (used by
the negative fixtures in testdata/). With --copies: only the copies below, optionally of another
values file (the negative fixtures gitops-blackbox-drift.yaml, gitops-alloy-drift.yaml).

Checks:
  * every Helm chart source is pinned to an exact version (X.Y.Z or vX.Y.Z: no range, no "*",
    no "latest"); every Git source of this repository follows main, env/staging or env/production;
  * every cluster (clusters/<env>) declares the add-ons the chart depends on: the CRDs of
    prometheus-operator, cert-manager and its DNS-01 webhook, the ClusterIssuers, ingress-nginx,
    kube-prometheus-stack, blackbox_exporter, Loki, the OpenTelemetry Collector and Grafana Alloy; dev and staging the
    PriorityClass; dev and staging a fieldops Application, prod the dedicated customers'
    ApplicationSet; its AppProjects;
  * sync waves: projects first, then the CRD providers, then what renders custom resources, then
    the fieldops releases last;
  * every values file an Application names exists (add-on values in deploy/gitops/values, the
    chart's values-*.yaml); every dedicated customer (customers/*/customer.yaml) has a valid name
    and an existing values file, in dedicated mode;
  * every Application's project is declared in its cluster, and every add-on's destination
    namespace is allowed by that project;
  * copies stay copies: the blackbox_exporter values' config.modules equal the modules of
    deploy/monitoring/blackbox/blackbox.yml (the VMs' file); Alloy's configMap.content, once Helm's
    `tpl` has turned each {{ "{{" }} back into "{{", equals deploy/logging/kubernetes/config.alloy and
    holds no other template action; the collector Applications read deploy/otel/kubernetes/values.yaml
    first and the gitops overlay does not redefine its config;
  * the fieldops chart's Probe objects are selected: kube-prometheus-stack's probeSelector labels are
    on every environment's probes (helm/fieldops/values-*.yaml with monitoring.probes.enabled), and
    monitoring.probes.proberUrl names the blackbox_exporter Service (fullnameOverride, namespace).
Exit 0 when every check passes, 1 otherwise (one line per violation).
"""
import glob
import os
import re
import sys

import yaml

REPO_URL = "https://github.com/fieldops360/fieldops.git"
PINNED = re.compile(r"^v?\d+\.\d+\.\d+$")
GIT_REFS = {"main", "env/staging", "env/production"}
ADDONS = ["prometheus-operator-crds", "cert-manager", "scaleway-certmanager-webhook", "cluster-issuers",
          "ingress-nginx", "kube-prometheus-stack", "prometheus-blackbox-exporter", "loki",
          "opentelemetry-collector", "alloy"]
# the CRDs others render come from these: they sync before everything but the projects
CRD_PROVIDERS = {"prometheus-operator-crds", "cert-manager"}

errors = []


def fail(msg):
    errors.append(msg)


def load(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def wave(doc):
    return int(((doc.get("metadata") or {}).get("annotations") or {}).get("argocd.argoproj.io/sync-wave", "0"))


def sources(spec):
    return ([spec["source"]] if spec.get("source") else []) + list(spec.get("sources") or [])


def check_sources(root, where, spec):
    for s in sources(spec):
        rev = str(s.get("targetRevision", ""))
        if s.get("chart"):
            if not PINNED.match(rev):
                fail(f"{where}: chart {s['chart']} is not pinned to an exact version (targetRevision '{rev}')")
        elif s.get("repoURL") == REPO_URL:
            if rev not in GIT_REFS:
                fail(f"{where}: source {s.get('path') or s.get('ref')} follows '{rev}', not one of {sorted(GIT_REFS)}")
            if s.get("path") and not os.path.isdir(os.path.join(root, s["path"])):
                fail(f"{where}: path {s['path']} does not exist")
        else:
            fail(f"{where}: unknown Git source {s.get('repoURL')}")
        helm = s.get("helm") or {}
        for vf in helm.get("valueFiles") or []:
            if "{{" in vf:
                continue  # ApplicationSet template: checked through customers/*
            if vf.startswith("$values/"):
                path = os.path.join(root, vf[len("$values/"):])
                if not os.path.isfile(path) and not helm.get("ignoreMissingValueFiles"):
                    fail(f"{where}: values file {vf} does not exist")
                if not os.path.isfile(path) and helm.get("ignoreMissingValueFiles") and re.search(r"/[a-z-]+\.yaml$", vf) \
                        and not re.search(r"-(dev|staging|prod)\.yaml$", vf):
                    fail(f"{where}: common values file {vf} does not exist")
            elif s.get("path"):
                if not os.path.isfile(os.path.join(root, s["path"], vf)):
                    fail(f"{where}: values file {vf} not in {s['path']}")


def check_apps(root, files):
    apps = {}
    for path in files:
        for d in load(path):
            kind, name = d.get("kind"), (d.get("metadata") or {}).get("name")
            where = f"{os.path.relpath(path, root)}: {kind} {name}"
            if kind == "Application":
                check_sources(root, where, d["spec"])
                apps[name] = d
            elif kind == "ApplicationSet":
                check_sources(root, where, d["spec"]["template"]["spec"])
                apps[name] = d
    return apps


def check_cluster(root, env):
    d = os.path.join(root, "deploy/gitops/clusters", env)
    files = sorted(glob.glob(os.path.join(d, "*.yaml")))
    apps = check_apps(root, files)
    projects = {}
    for path in files:
        for doc in load(path):
            if doc.get("kind") == "AppProject":
                projects[doc["metadata"]["name"]] = doc
    need = list(ADDONS) + (["priorityclass", f"fieldops-{env}"] if env != "prod" else ["fieldops-customers"])
    for n in need:
        if n not in apps:
            fail(f"clusters/{env}: no Application {n}")
    for p in ("platform", "fieldops"):
        if p not in projects:
            fail(f"clusters/{env}: no AppProject {p}")
    pw = max([wave(p) for p in projects.values()] or [0])
    crd = max([wave(apps[n]) for n in CRD_PROVIDERS if n in apps] or [0])
    for n, a in apps.items():
        w = wave(a)
        if w <= pw:
            fail(f"clusters/{env}: {n} (wave {w}) does not sync after the AppProjects (wave {pw})")
        if n not in CRD_PROVIDERS and n != "priorityclass" and w <= crd:
            fail(f"clusters/{env}: {n} (wave {w}) does not sync after the CRD providers (wave {crd})")
        spec = a["spec"] if a["kind"] == "Application" else a["spec"]["template"]["spec"]
        proj = projects.get(spec.get("project"))
        if proj is None:
            fail(f"clusters/{env}: {n} uses project {spec.get('project')}, not declared in the cluster")
            continue
        ns = spec["destination"].get("namespace", "")
        allowed = [x.get("namespace", "") for x in proj["spec"].get("destinations") or []]
        if "{{" not in ns and not any(re.fullmatch(a.replace("*", ".*"), ns) for a in allowed):
            fail(f"clusters/{env}: {n} deploys to namespace {ns}, not allowed by project {proj['metadata']['name']}")
    last = min([wave(apps[n]) for n in apps if n.startswith("fieldops-")] or [0])
    for n, a in apps.items():
        if not n.startswith("fieldops-") and wave(a) >= last:
            fail(f"clusters/{env}: add-on {n} (wave {wave(a)}) does not sync before the fieldops release (wave {last})")


def check_customers(root):
    found = 0
    for path in sorted(glob.glob(os.path.join(root, "deploy/gitops/customers/*/customer.yaml"))):
        found += 1
        c = (load(path) or [{}])[0]
        name, vf = c.get("customer", ""), c.get("valuesFile", "")
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,30}", name) or name != os.path.basename(os.path.dirname(path)):
            fail(f"{os.path.relpath(path, root)}: customer '{name}' is not its directory's name in [a-z0-9-]")
        vpath = os.path.join(root, "helm/fieldops", vf)
        if not vf or not os.path.isfile(vpath):
            fail(f"{os.path.relpath(path, root)}: values file '{vf}' not in helm/fieldops")
        elif not ((load(vpath) or [{}])[0].get("dedicated") or {}).get("enabled"):
            fail(f"{os.path.relpath(path, root)}: {vf} does not set dedicated.enabled")
    if not found:
        fail("deploy/gitops/customers: no dedicated customer (the example is customers/durand)")


def values(root, name):
    return (load(os.path.join(root, "deploy/gitops/values", name)) or [{}])[0]


TPL_ESCAPE = '{{ "{{" }}'


def check_copies(root, blackbox=None, alloy=None):
    # blackbox_exporter modules: one definition for VMs (deploy/monitoring) and Kubernetes
    bpath = blackbox or os.path.join(root, "deploy/gitops/values/prometheus-blackbox-exporter.yaml")
    want = (load(os.path.join(root, "deploy/monitoring/blackbox/blackbox.yml")) or [{}])[0].get("modules")
    got = ((load(bpath) or [{}])[0].get("config") or {}).get("modules")
    if got != want:
        diff = sorted(k for k in set(want or {}) | set(got or {}) if (want or {}).get(k) != (got or {}).get(k))
        fail(f"{os.path.relpath(bpath, root)}: config.modules differ from deploy/monitoring/blackbox/blackbox.yml "
             f"(modules {', '.join(diff) or 'all'})")
    # Alloy: the chart renders configMap.content through tpl
    apath = alloy or os.path.join(root, "deploy/gitops/values/alloy.yaml")
    content = (((load(apath) or [{}])[0].get("alloy") or {}).get("configMap") or {}).get("content") or ""
    if "{{" in content.replace(TPL_ESCAPE, ""):
        fail(f"{os.path.relpath(apath, root)}: alloy.configMap.content has a template action other than "
             f"{TPL_ESCAPE} (the chart renders it with tpl)")
    with open(os.path.join(root, "deploy/logging/kubernetes/config.alloy")) as f:
        src = f.read()
    if content.replace(TPL_ESCAPE, "{{") != src:
        a, b = content.replace(TPL_ESCAPE, "{{").splitlines(), src.splitlines()
        n = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
        fail(f"{os.path.relpath(apath, root)}: alloy.configMap.content differs from "
             f"deploy/logging/kubernetes/config.alloy (first at line {n + 1} of the file)")
    if blackbox or alloy:
        return
    # OpenTelemetry Collector: deploy/otel/kubernetes/values.yaml read as is, no second config
    for path in sorted(glob.glob(os.path.join(root, "deploy/gitops/clusters/*/opentelemetry-collector.yaml"))):
        for d in load(path):
            for s in sources(d["spec"]):
                vf = (s.get("helm") or {}).get("valueFiles") or []
                if s.get("chart") and vf[:1] != ["$values/deploy/otel/kubernetes/values.yaml"]:
                    fail(f"{os.path.relpath(path, root)}: the first values file is not "
                         "$values/deploy/otel/kubernetes/values.yaml")
    for path in glob.glob(os.path.join(root, "deploy/gitops/values/opentelemetry-collector*.yaml")):
        v = (load(path) or [{}])[0]
        for k in ("config", "alternateConfig"):
            if k in v:
                fail(f"{os.path.relpath(path, root)}: redefines {k} (it is deploy/otel/kubernetes/otelcol.yaml)")
    # Probes: kube-prometheus-stack selects the chart's Probe objects, which name the prober
    spec = (values(root, "kube-prometheus-stack.yaml").get("prometheus") or {}).get("prometheusSpec") or {}
    sel = (spec.get("probeSelector") or {}).get("matchLabels")
    if not sel or spec.get("probeNamespaceSelector") != {}:
        fail("values/kube-prometheus-stack.yaml: no probeSelector.matchLabels, or probeNamespaceSelector "
             "is not {} (the chart's Probe objects live in the fieldops namespaces)")
    chart = (load(os.path.join(root, "helm/fieldops/values.yaml")) or [{}])[0]
    bb = values(root, "prometheus-blackbox-exporter.yaml")
    for path in sorted(glob.glob(os.path.join(root, "helm/fieldops/values-*.yaml"))):
        probes = (((load(path) or [{}])[0].get("monitoring") or {}).get("probes")) or {}
        if not probes.get("enabled"):
            continue
        labels = probes.get("labels") or {}
        if sel and any(labels.get(k) != v for k, v in sel.items()):
            fail(f"helm/fieldops/{os.path.basename(path)}: monitoring.probes.labels {labels} lack the "
                 f"probeSelector of values/kube-prometheus-stack.yaml {sel}")
        url = probes.get("proberUrl") or chart["monitoring"]["probes"]["proberUrl"]
        host = url.split(":")[0].split(".")
        if host[:2] != [bb.get("fullnameOverride"), "monitoring"]:
            fail(f"helm/fieldops/{os.path.basename(path)}: proberUrl {url} is not the blackbox_exporter "
                 f"Service {bb.get('fullnameOverride')}.monitoring")


def main():
    root = os.path.abspath(sys.argv[1])
    if len(sys.argv) > 2 and sys.argv[2] == "--copies":
        over = dict(a.split("=", 1) for a in sys.argv[3:])
        check_copies(root, over.get("blackbox"), over.get("alloy"))
    elif len(sys.argv) > 2:
        check_apps(root, sys.argv[2:])
    else:
        for env in ("dev", "staging", "prod"):
            check_cluster(root, env)
        check_apps(root, sorted(glob.glob(os.path.join(root, "deploy/gitops/bootstrap/*.yaml"))))
        check_customers(root)
        check_copies(root)
    for e in errors:
        print(e)
    if not errors:
        print("gitops policy: OK")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
