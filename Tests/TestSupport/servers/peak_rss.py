#!/usr/bin/env python3
"""Runs one command and prints, as JSON, its exit status, wall-clock seconds
and peak resident memory (ru_maxrss of that child alone, in KiB): how the
tests measure what a single `overdue` process needed.

usage: peak_rss.py COMMAND [ARG...]"""
import json
import os
import resource
import subprocess
import sys
import time

started = time.monotonic()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
_, status, usage = os.wait4(child.pid, 0)
seconds = time.monotonic() - started
stderr = child.stderr.read().decode("utf-8", "replace")
print(json.dumps({"status": os.waitstatus_to_exitcode(status), "seconds": seconds,
                  "max_rss_kib": usage.ru_maxrss, "stderr": stderr[-2000:]}))
