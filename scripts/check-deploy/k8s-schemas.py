#!/usr/bin/env python3
"""Generate kubeconform JSON schemas offline.

kubeconform normally downloads its schemas from GitHub, which this machine cannot reach. This
script builds the same kind of files from sources the Go module proxy serves:
  * api/openapi-spec/swagger.json of the module k8s.io/kubernetes (built-in kinds), and
  * CustomResourceDefinition YAML files (e.g. prometheus-operator's ServiceMonitor, PrometheusRule;
    Argo CD's Application, ApplicationSet, AppProject from manifests/crds of github.com/argoproj/argo-cd/v3).

Output: <out>/<kind>-<group>-<version>.json (core kinds: <kind>-<version>.json), the layout of
kubeconform's '{{ .ResourceKind }}{{ .KindSuffix }}.json' template. Every schema is self-contained
(only the definitions it references), int-or-string and quantities accept both types, and objects
without additionalProperties are closed (strict mode, like openapi2jsonschema --strict).

Usage: k8s-schemas.py [--swagger swagger.json] [--crd file.yaml ...] --out DIR  (CRDs alone: a second
-schema-location next to the core one)
"""
import argparse
import copy
import json
import os
import sys

import yaml

INT_OR_STRING = {"oneOf": [{"type": "string"}, {"type": "integer"}]}
QUANTITY = {"oneOf": [{"type": "string"}, {"type": "number"}]}


def kind_suffix(group, version):
    if not group:
        return "-" + version.lower()
    return "-" + group.split(".")[0].lower() + "-" + version.lower()


def fix(node, strict):
    """Rewrite OpenAPI v2/v3 idioms into JSON-schema kubeconform's validator understands."""
    if isinstance(node, list):
        return [fix(n, strict) for n in node]
    if not isinstance(node, dict):
        return node
    if node.get("format") == "int-or-string" or node.get("x-kubernetes-int-or-string"):
        out = copy.deepcopy(INT_OR_STRING)
        if "description" in node:
            out["description"] = node["description"]
        return out
    out = {}
    for k, v in node.items():
        if k in ("properties", "definitions", "patternProperties"):
            out[k] = {pk: fix(pv, strict) for pk, pv in v.items()}
        else:
            out[k] = fix(v, strict)
    if out.get("x-kubernetes-preserve-unknown-fields"):
        out.pop("additionalProperties", None)
        return out
    if strict and "properties" in out and "additionalProperties" not in out:
        if out.get("type", "object") == "object":
            out["additionalProperties"] = False
    return out


def refs(node, acc):
    if isinstance(node, dict):
        r = node.get("$ref")
        if isinstance(r, str) and r.startswith("#/definitions/"):
            acc.add(r[len("#/definitions/"):])
        for v in node.values():
            refs(v, acc)
    elif isinstance(node, list):
        for v in node:
            refs(v, acc)


def closure(defs, root):
    seen, todo = set(), [root]
    while todo:
        name = todo.pop()
        if name in seen or name not in defs:
            continue
        seen.add(name)
        acc = set()
        refs(defs[name], acc)
        todo.extend(acc - seen)
    return seen


def write(out_dir, kind, group, version, schema):
    path = os.path.join(out_dir, kind.lower() + kind_suffix(group, version) + ".json")
    with open(path, "w") as f:
        json.dump(schema, f, separators=(",", ":"))
    return path


def from_swagger(path, out_dir, strict):
    with open(path) as f:
        swagger = json.load(f)
    defs = {}
    for name, d in swagger["definitions"].items():
        if name == "io.k8s.apimachinery.pkg.api.resource.Quantity":
            defs[name] = dict(QUANTITY, description=d.get("description", ""))
        elif name == "io.k8s.apimachinery.pkg.util.intstr.IntOrString":
            defs[name] = copy.deepcopy(INT_OR_STRING)
        else:
            defs[name] = fix(d, strict)
    n = 0
    for name, d in swagger["definitions"].items():
        for gvk in d.get("x-kubernetes-group-version-kind", []):
            if name.endswith(".List") or gvk["kind"].endswith("List") and "items" in d.get("properties", {}):
                continue
            needed = closure(defs, name)
            schema = copy.deepcopy(defs[name])
            schema["$schema"] = "http://json-schema.org/draft-07/schema#"
            schema["definitions"] = {k: defs[k] for k in sorted(needed) if k != name}
            # a self-reference (e.g. JSONSchemaProps) must still resolve
            if name in needed:
                schema["definitions"][name] = defs[name]
            write(out_dir, gvk["kind"], gvk["group"], gvk["version"], schema)
            n += 1
    return n


def from_crd(path, out_dir, strict):
    n = 0
    with open(path) as f:
        for doc in yaml.safe_load_all(f):
            if not doc or doc.get("kind") != "CustomResourceDefinition":
                continue
            spec = doc["spec"]
            for v in spec["versions"]:
                s = v.get("schema", {}).get("openAPIV3Schema")
                if not s:
                    continue
                schema = fix(s, strict)
                props = schema.setdefault("properties", {})
                props.setdefault("apiVersion", {"type": "string"})
                props.setdefault("kind", {"type": "string"})
                props["metadata"] = {"type": "object"}
                schema["$schema"] = "http://json-schema.org/draft-07/schema#"
                write(out_dir, spec["names"]["kind"], spec["group"], v["name"], schema)
                n += 1
    return n


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--swagger")
    p.add_argument("--crd", action="append", default=[])
    p.add_argument("--out", required=True)
    p.add_argument("--no-strict", action="store_true")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    n = from_swagger(a.swagger, a.out, not a.no_strict) if a.swagger else 0
    for c in a.crd:
        n += from_crd(c, a.out, not a.no_strict)
    print(f"wrote {n} schemas to {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
