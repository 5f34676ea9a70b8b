#!/usr/bin/env python3
"""Triage of a wapiti JSON report against scripts/dast/accepted.json.

  triage.py REPORT.json ACCEPTED.json [WAPITI.log]

Prints every finding with its triage; exit 1 when a finding (vulnerability or anomaly) matches no
entry of ACCEPTED.json, or when the crawl found fewer URLs than its min_urls (the scan did not get
past the sign-in page: a silent, useless pass)."""
import json
import re
import sys


def main():
    report = json.load(open(sys.argv[1]))
    accepted = json.load(open(sys.argv[2]))
    bad = 0
    seen = {}  # (label, category, info) -> [paths]
    for section in ("vulnerabilities", "anomalies"):
        for category, items in (report.get(section) or {}).items():
            for it in items:
                info = (it.get("info") or "").strip()
                match = next((a for a in accepted["findings"]
                              if a["category"] == category and a["info"] == info), None)
                label = "NEW" if match is None else f"{match['status'].upper()} {match['id']}"
                seen.setdefault((label, category, info), []).append(f"{it.get('method')} {it.get('path')}")
    for (label, category, info), where in sorted(seen.items()):
        more = f" and {len(where) - 1} more" if len(where) > 1 else ""
        print(f"{label:13} {category}: {info} ({where[0]}{more})")
        if label == "NEW":
            bad += 1
            print("              triage it in scripts/dast/accepted.json (docs/security/dast-findings.md)")
    if len(sys.argv) > 3:
        m = re.search(r"Wapiti found (\d+) URLs", open(sys.argv[3], errors="replace").read())
        urls = int(m.group(1)) if m else 0
        if urls < accepted.get("min_urls", 0):
            bad += 1
            print(f"the crawl found {urls} URLs and forms, fewer than {accepted['min_urls']}: not signed in?")
    print("dast triage: " + ("OK" if not bad else f"{bad} problem(s)"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
