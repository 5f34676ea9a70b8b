#!/usr/bin/python3
"""Runs Debian's wapiti (3.0.4, bookworm; run with Debian's /usr/bin/python3) with three changes,
all in this process:
  * its crawler compiles exclusion patterns as `<regex>\\Z(?ms)`, which Python 3.11 refuses
    ("global flags not at the start"), so any -x crashes: the flags go first;
  * `*.localhost` resolves to 127.0.0.1 (the tenant hosts of the demo; glibc does not map them);
  * nothing is downloaded: the Wappalyzer module's database update is disabled (the scan stays on
    loopback, the module is not used).
Everything else is wapiti's own main (scripts/dast/run.sh gives the arguments)."""
import re
import socket
import sys

import wapitiCore.attack.mod_wapp as mod_wapp
import wapitiCore.net.crawler as crawler
from wapitiCore.main.wapiti import wapiti_main


def wildcard_translate(pattern):
    return re.compile("(?ms)" + "".join(".*" if c == "*" else re.escape(c) for c in pattern) + r"\Z")


_getaddrinfo = socket.getaddrinfo


def getaddrinfo(host, *args, **kwargs):
    if isinstance(host, str) and (host == "localhost" or host.endswith(".localhost")):
        host = "127.0.0.1"
    return _getaddrinfo(host, *args, **kwargs)


crawler.wildcard_translate = wildcard_translate
socket.getaddrinfo = getaddrinfo
mod_wapp.mod_wapp.update = lambda self: None
sys.argv[0] = "wapiti"
sys.exit(wapiti_main())
