#!/usr/bin/env python3
"""Checks renovate.json without Renovate (not installable here): what it must cover, and that every
regex manager still matches the files it is meant to update (a moved line would otherwise silently
stop being updated).

  renovate-check.py REPO_ROOT [renovate.json]

Checks: valid JSON; the managers gomod, npm, github-actions, argocd and custom.regex are enabled;
the argocd manager's patterns cover deploy/gitops/clusters/*/*.yaml; every custom regex manager
compiles and matches at least once in the repository files its managerFilePatterns select; the
Dockerfile's base images and Debian snapshot and the appliance's ISO are among those matches.
Exit 0 when every check passes, 1 otherwise.
"""
import json
import os
import re
import subprocess
import sys

REQUIRED = ["gomod", "npm", "github-actions", "argocd", "custom.regex"]


def js_regex(pattern):
    """Renovate's "/…/" file patterns and (?<name>…) groups → Python."""
    if pattern.startswith("/") and pattern.rfind("/") > 0:
        pattern = pattern[1:pattern.rfind("/")]
    return re.compile(pattern.replace("(?<", "(?P<").replace("(?P<=", "(?<=").replace("(?P<!", "(?<!"))


def main():
    root = os.path.abspath(sys.argv[1])
    path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "renovate.json")
    errors = []
    try:
        cfg = json.load(open(path))
    except (OSError, ValueError) as e:
        print(f"{path}: {e}")
        return 1
    files = subprocess.run(["git", "-C", root, "ls-files"], capture_output=True, text=True, check=True).stdout.split()
    enabled = cfg.get("enabledManagers") or []
    for m in REQUIRED:
        if m not in enabled:
            errors.append(f"manager {m} is not enabled")
    argo = [js_regex(p) for p in (cfg.get("argocd") or {}).get("managerFilePatterns") or []]
    for f in files:
        if re.match(r"deploy/gitops/clusters/[^/]+/[^/]+\.yaml$", f) and not any(p.search(f) for p in argo):
            errors.append(f"argocd manager does not cover {f}")
    found = {}
    for m in cfg.get("customManagers") or []:
        desc = m.get("description", "?")
        try:
            pats = [js_regex(p) for p in m.get("managerFilePatterns") or []]
            regs = [js_regex(s) for s in m.get("matchStrings") or []]
        except re.error as e:
            errors.append(f"{desc}: {e}")
            continue
        n = 0
        for f in files:
            if not any(p.search(f) for p in pats):
                continue
            text = open(os.path.join(root, f), errors="replace").read()
            for r in regs:
                for mt in r.finditer(text):
                    n += 1
                    dep = mt.groupdict().get("depName") or m.get("depNameTemplate", "?")
                    found[dep] = found.get(dep, 0) + 1
        if n == 0:
            errors.append(f"custom manager '{desc}' matches nothing")
        else:
            print(f"{n:3d} match(es): {desc}")
    for dep in ("golang", "debian", "debian-snapshot", "debian-iso"):
        if dep not in found:
            errors.append(f"no custom manager updates {dep}")
    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
