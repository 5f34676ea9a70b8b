#!/usr/bin/env python3
"""Checks the log and trace shipping configs of deploy/logging and deploy/otel.

Grafana Alloy cannot be installed here (its Go modules are not served by the module proxy), so
its configs get a structural check of the Alloy syntax instead of `alloy fmt`/`alloy run`:
strings and comments tokenised, braces and brackets balanced, every block a known Alloy
component or a known block of it, every component reference (x.y.label.export) pointing to a
component defined in the file, and the stream labels exactly app, namespace, pod, level (tenant
stays in the JSON body). The collector configs are parsed as YAML, their pipelines checked
against the components they define, and the Kubernetes chart values must embed
otel/kubernetes/otelcol.yaml verbatim; with OTELCOL=<otelcol-fieldops binary> (deploy/otel/
builder.yaml) each config is also run through `otelcol validate`.
Exit 0 when every check passes, 1 otherwise (one line per violation).
"""
import os
import re
import subprocess
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
errors = []

COMPONENTS = {"discovery.kubernetes", "discovery.relabel", "local.file_match", "loki.source.file",
              "loki.source.journal", "loki.process", "loki.relabel", "loki.write"}
BLOCKS = {"selectors", "rule", "endpoint", "stage.cri", "stage.json", "stage.timestamp", "stage.template",
          "stage.labels", "stage.label_keep", "stage.match", "stage.drop"}
EXPORTS = {"targets", "output", "receiver", "rules"}
STREAM_LABELS = ["app", "namespace", "pod", "level"]


def tokens(src, where):
    """Yields (kind, text) with comments removed; strings kept whole."""
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            i = src.find("\n", i) if "\n" in src[i:] else n
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            if j < 0:
                errors.append(f"{where}: unterminated comment")
                return
            i = j + 2
        elif c == '"':
            j = i + 1
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            if j >= n:
                errors.append(f"{where}: unterminated string")
                return
            yield "str", src[i:j + 1]
            i = j + 1
        elif c.isspace():
            i += 1
        elif c.isalpha() or c == "_":
            m = re.match(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*", src[i:])
            yield "ident", m.group(0)
            i += len(m.group(0))
        else:
            yield "punct", c
            i += 1


def check_alloy(path, want_source):
    where = os.path.relpath(path, HERE)
    toks = list(tokens(open(path).read(), where))
    depth, stack, defined, refs, label_keep = 0, [], set(), [], None
    for k, (kind, text) in enumerate(toks):
        if text in "{[(" and kind == "punct":
            stack.append(text)
            if text == "{":
                # block header: ident [str] {
                prev = toks[k - 1]
                name = toks[k - 2][1] if prev[0] == "str" else prev[1]
                if prev[1] == "=":  # an object literal
                    continue
                if len(stack) == 1:
                    if name not in COMPONENTS:
                        errors.append(f"{where}: unknown component {name}")
                    if prev[0] != "str":
                        errors.append(f"{where}: component {name} has no label")
                    else:
                        defined.add(name + "." + prev[1].strip('"'))
                elif name not in BLOCKS:
                    errors.append(f"{where}: unknown block {name}")
        elif text in "}])" and kind == "punct":
            want = {"}": "{", "]": "[", ")": "("}[text]
            if not stack or stack.pop() != want:
                errors.append(f"{where}: unbalanced {text}")
                return
        elif kind == "ident" and text.split(".")[-1] in EXPORTS and text.count(".") >= 3:
            refs.append(text)
        elif kind == "ident" and text == "stage.label_keep":
            label_keep = []
            for t in toks[k + 1:]:
                if t[1] == "]":
                    break
                if t[0] == "str":
                    label_keep.append(t[1].strip('"'))
    if stack:
        errors.append(f"{where}: {len(stack)} unclosed block(s)")
    for r in refs:
        comp = r.rsplit(".", 1)[0]
        if comp not in defined:
            errors.append(f"{where}: reference {r} to an undefined component")
    if label_keep != STREAM_LABELS:
        errors.append(f"{where}: stream labels {label_keep}, want exactly {STREAM_LABELS}")
    if not any(d.startswith(want_source + ".") for d in defined):
        errors.append(f"{where}: no {want_source} component")
    if not any(d.startswith("loki.write.") for d in defined):
        errors.append(f"{where}: no loki.write")


def check_collector(path):
    where = os.path.relpath(path, HERE)
    cfg = yaml.safe_load(open(path))
    for kind in ("receivers", "processors", "exporters"):
        for p, pipe in cfg["service"]["pipelines"].items():
            for name in pipe.get(kind, []):
                if name not in (cfg.get(kind) or {}):
                    errors.append(f"{where}: pipeline {p} uses undefined {kind[:-1]} {name}")
    if "otlp" not in cfg["receivers"] or "http" not in cfg["receivers"]["otlp"]["protocols"]:
        errors.append(f"{where}: no OTLP/HTTP receiver (the product exports OTLP/HTTP)")
    if not [e for e in cfg["exporters"] if e.startswith("otlp")]:
        errors.append(f"{where}: no OTLP exporter to the trace backend")
    otelcol = os.environ.get("OTELCOL")
    if otelcol:
        env = dict(os.environ, JAEGER_OTLP_ENDPOINT="127.0.0.1:4317", JAEGER_OTLP_INSECURE="true", MY_POD_IP="127.0.0.1")
        r = subprocess.run([otelcol, "validate", "--config", path], env=env, capture_output=True, text=True)
        if r.returncode != 0:
            errors.append(f"{where}: otelcol validate: {r.stderr.strip() or r.stdout.strip()}")
    return cfg


def main():
    check_alloy(os.path.join(HERE, "logging/kubernetes/config.alloy"), "loki.source.file")
    check_alloy(os.path.join(HERE, "logging/vm/config.alloy"), "loki.source.journal")
    check_collector(os.path.join(HERE, "otel/vm/otelcol.yaml"))
    k8s = check_collector(os.path.join(HERE, "otel/kubernetes/otelcol.yaml"))
    vals = yaml.safe_load(open(os.path.join(HERE, "otel/kubernetes/values.yaml")))
    if vals.get("alternateConfig") != k8s:
        errors.append("otel/kubernetes/values.yaml: alternateConfig differs from otel/kubernetes/otelcol.yaml")
    for e in errors:
        print("observability: " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
