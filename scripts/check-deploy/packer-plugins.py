#!/usr/bin/env python3
"""Checks packer/plugins.pkr.hcl against packer/fieldops.pkr.hcl (Debian's packer 1.6.6 cannot read
`required_plugins`): every builder and provisioner the template uses that is not built into
Packer >= 1.10 has a required_plugins entry with a github.com source and a pinned version
constraint, and Packer core's version is constrained.

  packer-plugins.py TEMPLATE.pkr.hcl PLUGINS.pkr.hcl      exit 0 when consistent, 1 otherwise
"""
import re
import sys

BUILT_IN = {"shell", "shell-local", "file", "breakpoint", "manifest", "checksum", "compress", "artifice",
            "null", "windows-restart", "powershell", "windows-shell"}


def main():
    template, plugins = open(sys.argv[1]).read(), open(sys.argv[2]).read()
    errors = []
    used = set(re.findall(r'^\s*source\s+"([a-z0-9-]+)"\s+"[^"]+"\s*\{', template, re.M))
    used |= set(re.findall(r'^\s*provisioner\s+"([a-z0-9-]+)"\s*\{', template, re.M))
    used |= set(re.findall(r'^\s*post-processor\s+"([a-z0-9-]+)"\s*\{', template, re.M))
    m = re.search(r'required_plugins\s*\{(.*)\n  \}', plugins, re.S)
    if not m:
        errors.append("no packer { required_plugins { ... } } block")
        entries = {}
    else:
        entries = {name: body for name, body in re.findall(r'^\s*([a-z0-9-]+)\s*=\s*\{(.*?)\}', m.group(1), re.M | re.S)}
    if not re.search(r'required_version\s*=\s*">=\s*1\.(1[0-9]|[2-9][0-9])', plugins):
        errors.append("required_version must ask for Packer >= 1.10 (plugins are no longer bundled)")
    for name in sorted(used - BUILT_IN):
        body = entries.get(name)
        if body is None:
            errors.append(f"{name}: used by the template, missing from required_plugins")
            continue
        if not re.search(r'source\s*=\s*"github\.com/[a-z0-9-]+/' + re.escape(name) + '"', body):
            errors.append(f"{name}: source is not github.com/<org>/{name}")
        if not re.search(r'version\s*=\s*"(~>|=)?\s*[0-9]+\.[0-9]+\.[0-9]+"', body):
            errors.append(f"{name}: version is not pinned (~> x.y.z or = x.y.z)")
    for name in sorted(set(entries) - used):
        errors.append(f"{name}: in required_plugins but unused by the template")
    for e in errors:
        print(f"packer-plugins: {e}")
    print(f"plugins used: {sorted(used - BUILT_IN)}; required: {sorted(entries)}")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
