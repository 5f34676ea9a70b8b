#!/usr/bin/env python3
"""Every alert rule has a promtool unit test where it fires and one where it stays quiet.

  python3 deploy/monitoring/tests/coverage.py RULES.yml... -- TESTS.test.yml...

FieldOpsWatchdog is exempt from the quiet case (it always fires; its silence is the dead man's
switch's business). Exit 1 listing the alerts missing a case."""
import sys

import yaml

ALWAYS_FIRING = {"FieldOpsWatchdog"}


def main(argv):
    sep = argv.index("--")
    alerts = []
    for path in argv[:sep]:
        for group in yaml.safe_load(open(path))["groups"]:
            alerts += [r["alert"] for r in group["rules"] if "alert" in r]
    cases = {}
    for path in argv[sep + 1:]:
        for test in yaml.safe_load(open(path)).get("tests", []):
            for t in test.get("alert_rule_test") or []:
                cases.setdefault(t["alertname"], set()).add("firing" if t.get("exp_alerts") else "quiet")
    missing = []
    for a in alerts:
        want = {"firing"} if a in ALWAYS_FIRING else {"firing", "quiet"}
        if want - cases.get(a, set()):
            missing.append(f"{a}: no {' / '.join(sorted(want - cases.get(a, set())))} test")
    for m in missing:
        print("alert without unit test case:", m)
    print(f"{len(alerts)} alerts, {len(alerts) - len(missing)} with firing and quiet tests")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
