#!/usr/bin/env python3
"""Loads the benchmark graph into a fresh Neo4j from tools/neo4j and measures
the load: records/s (wall) and records per CPU-second of the Neo4j process,
with its CPU split by thread (query execution on the Bolt workers, the JIT
compilers, the garbage collector), the loader's own CPU, and the load
average. Each run starts its own server in a new state directory (a cold
JVM, as a first load has) and deletes it afterwards.

    python3 bench/neo4j-scale/load.py [--scale N] [--batch N] [--workers N] \\
        [--rounds N] [--port P] [--state DIR] [--keep] SEED_BINARY [SEED_BINARY...]

With several seed binaries (e.g. a build of the baseline commit and one of
the working tree) the rounds alternate between them. A binary given as
`PATH,OPTIONS` runs against a server started with those JVM options
(NEO4J_JAVA_OPTS of tools/neo4j/neo4j.sh), e.g.
`/tmp/seed,-XX:TieredStopAtLevel=1`. The Neo4j figures
cover the load itself, from the loader's start to its line "creating the
indexes" (the indexes built after the load are measured on their own:
their wall time and Neo4j CPU; "load and indexes" is the time until the
graph is loaded with every index online). The node phase (the loader writes every
node before the first edge) is split out from the progress lines.
NEO4J_HEAP and NEO4J_PAGECACHE are passed to tools/neo4j/neo4j.sh.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TICK = os.sysconf("SC_CLK_TCK")


def threads_cpu(pid):
    """CPU seconds (user + system) of a process's threads, summed by thread
    name without its trailing digits (C2 CompilerThread0 -> C2 CompilerThread)."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = re.sub(r"[-\d]+$", "", f.read().strip())
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                st = f.read()
        except OSError:
            continue  # the thread ended
        fields = st[st.rindex(")") + 2:].split()
        out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / TICK
    return out


def process_cpu(pid):
    """CPU seconds (user + system) of the process, ended threads included."""
    with open(f"/proc/{pid}/stat") as f:
        st = f.read()
    fields = st[st.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def groups(pid):
    """The process's CPU and its thread groups: Bolt (statements: the
    workers and network threads; names are cut to 15 characters), JIT
    (compiler threads), GC, and the rest (including threads that ended)."""
    g = {"total": process_cpu(pid), "bolt": 0.0, "jit": 0.0, "gc": 0.0}
    for name, s in threads_cpu(pid).items():
        if name.startswith("neo4j.Bolt"):
            g["bolt"] += s
        elif "CompilerThre" in name:
            g["jit"] += s
        elif name.startswith("G1") or name.startswith("GC"):
            g["gc"] += s
    g["other"] = g["total"] - g["bolt"] - g["jit"] - g["gc"]
    return g


def diff(a, b):
    return {k: b.get(k, 0.0) - a.get(k, 0.0) for k in set(a) | set(b)}


def loadavg():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def neo4j(cmd, state, port, java_opts=None):
    env = dict(os.environ, NEO4J_STATE_DIR=state, KEPUGRAPH_NEO4J_PORT=str(port))
    if java_opts is not None:
        env["NEO4J_JAVA_OPTS"] = java_opts
    return subprocess.run(["bash", os.path.join(ROOT, "tools/neo4j/neo4j.sh"), cmd], env=env,
                          check=True, capture_output=True, text=True).stdout.strip()


def one(spec, args):
    binary, _, java_opts = spec.partition(",")
    state = args.state
    shutil.rmtree(state, ignore_errors=True)
    neo4j("start", state, args.port, java_opts or None)
    try:
        with open(os.path.join(state, "neo4j.pid")) as f:
            pid = int(f.read())
        env = dict(os.environ, NEO4J_URI=f"bolt://127.0.0.1:{args.port}", NEO4J_USER="neo4j",
                   NEO4J_PASSWORD=os.environ.get("NEO4J_PASSWORD", "kepugraph-test"))
        cmd = [binary, "--scale", str(args.scale), "--batch", str(args.batch)]
        if args.workers:
            cmd += ["--workers", str(args.workers)]
        la = [loadavg()]
        c0, t0 = groups(pid), time.time()
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        c1 = t1 = None
        tail = []
        progress = []  # (records done, Neo4j CPU groups, time) at each progress line
        for line in p.stderr:
            tail = (tail + [line])[-5:]
            pm = re.match(r"seed: (\d+)/", line)
            if pm and c1 is None:
                progress.append((int(pm.group(1)), groups(pid), time.time()))
            if "creating the indexes" in line:
                c1, t1 = groups(pid), time.time()
                la.append(loadavg())
        out = p.stdout.read()
        _, status, ru = os.wait4(p.pid, 0)
        c2, t2 = groups(pid), time.time()
        la.append(loadavg())
        if status != 0 or c1 is None:
            sys.exit(f"{binary} failed ({status}):\n{''.join(tail)}{out}")
        m = re.search(r"nodes: (\d+)", out)
        e = re.search(r"edges: (\d+)", out)
        records = int(m.group(1)) + int(e.group(1))
        load = diff(c0, c1)
        idx = diff(c1, c2)
        # The node phase: up to the first progress line at or past the node
        # count (nodes come first; lines come at most once a second, so the
        # split is approximate by up to one second of load).
        nodes = int(m.group(1))
        cn, tn = next(((c, t) for d, c, t in progress if d >= nodes), (c1, t1))
        return {
            "binary": binary, "records": records, "wall": t1 - t0,
            "rate": records / (t1 - t0), "neo4j_cpu": load["total"],
            "per_cpu": records / load["total"], "split": load,
            "loader_cpu": ru.ru_utime + ru.ru_stime, "loader_rss": ru.ru_maxrss // 1024, "index_wall": t2 - t1,
            "index_cpu": idx["total"], "loadavg": la,
            "nodes": nodes, "node_wall": tn - t0, "node_cpu": diff(c0, cn)["total"],
            "node_bolt": diff(c0, cn)["bolt"],
            "maxrss_neo4j": open(f"/proc/{pid}/status").read().split("VmHWM:")[1].split()[0],
        }
    finally:
        if not args.keep:
            neo4j("stop", state, args.port)
            shutil.rmtree(state, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binaries", nargs="+")
    ap.add_argument("--scale", type=int, default=100000)
    ap.add_argument("--batch", type=int, default=10000)
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--port", type=int, default=23010)
    ap.add_argument("--state", default=os.path.join(ROOT, ".neo4j-load"))
    ap.add_argument("--keep", action="store_true",
                    help="leave the (last) server running with the graph, e.g. for scale.py; "
                         "stop it with NEO4J_STATE_DIR=STATE tools/neo4j/neo4j.sh stop")
    args = ap.parse_args()
    if args.keep and args.rounds * len(args.binaries) > 1:
        sys.exit("--keep needs one run")
    print("| round | loader | records | load wall s | records/s (wall) | Neo4j CPU s (Bolt / JIT / GC / other) "
          "| records per Neo4j CPU-s | nodes: wall s, Neo4j CPU s (Bolt) | loader CPU s | indexes: wall s, Neo4j CPU s "
          "| load and indexes: wall s, records/s | Neo4j max RSS MB | loader max RSS MB | load average (start, end of load, end) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in range(args.rounds):
        for b in args.binaries:
            x = one(b, args)
            s = x["split"]
            name, _, opts = b.partition(",")
            name = os.path.basename(name) + (f" ({opts})" if opts else "")
            print(f"| {r + 1} | {name} | {x['records']:,} | {x['wall']:.1f} | {x['rate']:,.0f} | "
                  f"{x['neo4j_cpu']:.1f} ({s['bolt']:.1f} / {s['jit']:.1f} / {s['gc']:.1f} / {s['other']:.1f}) | "
                  f"{x['per_cpu']:,.0f} | {x['node_wall']:.1f}, {x['node_cpu']:.1f} ({x['node_bolt']:.1f}) | "
                  f"{x['loader_cpu']:.1f} | {x['index_wall']:.1f}, {x['index_cpu']:.1f} | "
                  f"{x['wall'] + x['index_wall']:.1f}, {x['records'] / (x['wall'] + x['index_wall']):,.0f} | "
                  f"{int(x['maxrss_neo4j']) // 1024:,} | {x['loader_rss']:,} | {', '.join(x['loadavg'])} |",
                  flush=True)


if __name__ == "__main__":
    main()
