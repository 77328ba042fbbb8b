#!/usr/bin/env python3
"""pertest.py [-depth N | -leaf] BINARY ARGS...: runs a Go test binary (with
-test.v) in the current directory and prints, for every test and subtest up
to depth N (1: top-level tests only; default 2), its wall time, the CPU
(user+sys) of the test process (with its children it has waited for: a
test's go build, python3, node) and the CPU of the Neo4j server (the java
process of NEO4J_PID) between its "=== RUN" and its "--- PASS/FAIL/SKIP"
line, then the totals (the test process's CPU from wait4, its children
included). The end lines of subtests may come only when their parent ends:
-leaf charges instead each interval between two "=== RUN" lines (or a RUN
and the end of its top-level test) to the test or subtest started first,
the parent's work before its first subtest included.

Tests must run one at a time (no t.Parallel): the server's CPU in a test's
interval is charged to it, whatever else the server did meanwhile.

  cd neo4jstore && NEO4J_PID=$(cat $NEO4J_STATE_DIR/neo4j.pid) \\
    ../bench/ci/pertest.py /tmp/neo4jstore.test -test.skip '^TestCypherLint$'
"""
import os
import re
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def ticks(pid, children=False):
    """utime+stime of pid in seconds (0 when it is gone); with children, also
    cutime+cstime: the CPU of its children it has waited for (a test's go
    build, python3, node, ...)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
    except OSError:
        return 0.0
    fields = s[s.rindex(")") + 2:].split()
    n = 4 if children else 2
    return sum(int(f) for f in fields[11:11 + n]) / TICK


def main():
    args = sys.argv[1:]
    depth, leaf = 2, False
    if args[:1] == ["-leaf"]:
        leaf, depth = True, 1000
        args = args[1:]
    if args[:1] == ["-depth"]:
        depth = int(args[1])
        args = args[2:]
    jpid = os.environ.get("NEO4J_PID", "")
    jvm = (lambda: ticks(jpid)) if jpid else (lambda: 0.0)
    load0 = open("/proc/loadavg").read().split()[0]
    j0, t0 = jvm(), time.monotonic()
    p = subprocess.Popen(args + ["-test.v"], stdout=subprocess.PIPE, text=True, errors="replace")
    run = re.compile(r"^=== RUN\s+(\S+)")
    end = re.compile(r"^\s*--- (PASS|FAIL|SKIP): (\S+)")
    start = {}
    cur = None  # -leaf: (name, wall, go, jvm) of the interval running

    def close(now):
        w0, g0, s0 = cur[1:]
        w, g, s = now[0] - w0, now[1] - g0, now[2] - s0
        print(f"{cur[0]:60s} {'leaf':6s} {w:7.1f} {g:7.1f} {s:7.1f} {g + s:7.1f}", flush=True)
    print(f"{'test':60s} {'result':6s} {'wall':>7s} {'go':>7s} {'jvm':>7s} {'go+jvm':>7s}", flush=True)
    for line in p.stdout:
        m = run.match(line)
        if leaf and (m or end.match(line) and "/" not in end.match(line).group(2)):
            now = (time.monotonic(), ticks(p.pid, True), jvm())
            if cur:
                close(now)
            cur = (m.group(1),) + now if m else None
            continue
        if m and m.group(1).count("/") < depth:
            start[m.group(1)] = (time.monotonic(), ticks(p.pid, True), jvm())
            continue
        m = end.match(line)
        if m and m.group(2) in start:
            w0, g0, s0 = start.pop(m.group(2))
            w, g, s = time.monotonic() - w0, ticks(p.pid, True) - g0, jvm() - s0
            print(f"{m.group(2):60s} {m.group(1):6s} {w:7.1f} {g:7.1f} {s:7.1f} {g + s:7.1f}", flush=True)
        if " FAIL" in line or line.startswith("panic"):
            sys.stderr.write(line)
    _, status, ru = os.wait4(p.pid, 0)
    wall, j1 = time.monotonic() - t0, jvm()
    load1 = open("/proc/loadavg").read().split()[0]
    go = ru.ru_utime + ru.ru_stime
    rc = os.waitstatus_to_exitcode(status)
    print(f"TOTAL rc={rc} wall={wall:.1f} go={go:.1f} jvm={j1 - j0:.1f} go+jvm={go + j1 - j0:.1f} load={load0}->{load1}")
    sys.exit(rc)


if __name__ == "__main__":
    main()
