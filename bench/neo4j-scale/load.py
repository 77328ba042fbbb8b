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
`/tmp/seed,-XX:TieredStopAtLevel=1`; given as `PATH@CONF` (or
`PATH@CONF,OPTIONS`), against a server started with the Neo4j settings of
the file CONF (KEPUGRAPH_NEO4J_CONF, `name=value` a line), e.g.
`/tmp/seed@bench/neo4j-scale/load.conf`; given as `PATH+N`, the loader runs
with N writers (`--workers N`, after the other flags), e.g. `/tmp/seed+3`.
Each server is started by tools/neo4j/neo4j.sh with NEO4J_STATE_DIR (a new
directory), KEPUGRAPH_NEO4J_PORT and, when given, NEO4J_JAVA_OPTS and
KEPUGRAPH_NEO4J_CONF; NEO4J_HEAP and NEO4J_PAGECACHE come from the
environment. The Neo4j figures
cover the load itself, from the loader's start to its line "creating the
indexes" (the indexes built after the load are measured on their own:
their wall time and Neo4j CPU; "load and indexes" is the time until the
graph is loaded with every index online). The node phase (the loader writes every
node before the first edge) is split out from the progress lines.
NEO4J_HEAP and NEO4J_PAGECACHE are passed to tools/neo4j/neo4j.sh.
With --load-config every server without JVM options of its own gets
LOAD_JAVA_OPTS, the candidate configuration of a Neo4j that loads
(docs/neo4j.md, "The 1M load on Neo4j (2026-12-03, n4load11)"): the
parallel collector, which took a sixth off Neo4j's CPU in 100k loads
but not in one 1M pair (not adopted until a quiet 1M pair says so).
With --load-only the loader is stopped (SIGTERM) at its line "creating the
indexes" and the index columns are empty: the load alone, in less time.
"busy cores" is the CPU of Neo4j and of the loader in the load over its
wall time (2 at most on 2 cores).
"""
import argparse
import os
import re
import shutil
import signal
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


def neo4j(cmd, state, port, java_opts=None, conf=None):
    env = dict(os.environ, NEO4J_STATE_DIR=state, KEPUGRAPH_NEO4J_PORT=str(port))
    if java_opts is not None:
        env["NEO4J_JAVA_OPTS"] = java_opts
    if conf is not None:
        env["KEPUGRAPH_NEO4J_CONF"] = os.path.abspath(conf)
    return subprocess.run(["bash", os.path.join(ROOT, "tools/neo4j/neo4j.sh"), cmd], env=env,
                          check=True, capture_output=True, text=True).stdout.strip()


# The JVM options of a Neo4j that loads, a candidate (--load-config).
LOAD_JAVA_OPTS = "-XX:+UseParallelGC"


def parse_spec(spec):
    """PATH[+WORKERS][@CONF][,JVM OPTIONS] -> (path, workers or None,
    conf or None, JVM options or None)."""
    head, _, java_opts = spec.partition(",")
    head, _, conf = head.partition("@")
    path, _, workers = head.partition("+")
    return path, int(workers) if workers else None, conf or None, java_opts or None


def one(spec, args):
    binary, workers, conf, java_opts = parse_spec(spec)
    if args.load_config and java_opts is None:
        java_opts = LOAD_JAVA_OPTS
    state = args.state
    shutil.rmtree(state, ignore_errors=True)
    neo4j("start", state, args.port, java_opts, conf)
    try:
        with open(os.path.join(state, "neo4j.pid")) as f:
            pid = int(f.read())
        env = dict(os.environ, NEO4J_URI=f"bolt://127.0.0.1:{args.port}", NEO4J_USER="neo4j",
                   NEO4J_PASSWORD=os.environ.get("NEO4J_PASSWORD", "kepugraph-test"))
        if args.cpuprofile:
            os.makedirs(args.cpuprofile, exist_ok=True)
            env["KEPUGRAPH_SEED_CPUPROFILE"] = os.path.join(
                args.cpuprofile, f"{args.run}-{os.path.basename(binary)}.pprof")
        cmd = [binary, "--scale", str(args.scale), "--batch", str(args.batch)]
        if workers or args.workers:
            cmd += ["--workers", str(workers or args.workers)]
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
                if args.load_only:
                    # The loader's CPU up to here: stopped now, it does
                    # no more work (its signal handler cancels the load).
                    p.send_signal(signal.SIGTERM)
                    break
        out = p.stdout.read()
        p.stderr.read()
        _, status, ru = os.wait4(p.pid, 0)
        c2, t2 = groups(pid), time.time()
        la.append(loadavg())
        if (status != 0 and not args.load_only) or c1 is None:
            sys.exit(f"{binary} failed ({status}):\n{''.join(tail)}{out}")
        if args.load_only:
            # The loader did not report: the last progress line (written
            # at the end of the load whatever the second) has the records,
            # and --scale is the number of nodes (0: unknown, no split).
            records = progress[-1][0] if progress else 0
            nodes = args.scale or records
        else:
            m = re.search(r"nodes: (\d+)", out)
            e = re.search(r"edges: (\d+)", out)
            records = int(m.group(1)) + int(e.group(1))
            nodes = int(m.group(1))
        load = diff(c0, c1)
        idx = diff(c1, c2)
        # The node phase: up to the first progress line at or past the node
        # count (nodes come first; lines come at most once a second, so the
        # split is approximate by up to one second of load).
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
            "busy": (load["total"] + ru.ru_utime + ru.ru_stime) / (t1 - t0),
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
    ap.add_argument("--cpuprofile", metavar="DIR",
                    help="the loader's CPU profile of each run (KEPUGRAPH_SEED_CPUPROFILE) as DIR/RUN-BINARY.pprof")
    ap.add_argument("--load-config", action="store_true",
                    help=f"servers without JVM options of their own get {LOAD_JAVA_OPTS} (the candidate load configuration)")
    ap.add_argument("--load-only", action="store_true",
                    help="stop the loader at its line 'creating the indexes': no index phase")
    ap.add_argument("--keep", action="store_true",
                    help="leave the (last) server running with the graph, e.g. for scale.py; "
                         "stop it with NEO4J_STATE_DIR=STATE tools/neo4j/neo4j.sh stop")
    args = ap.parse_args()
    if args.keep and args.rounds * len(args.binaries) > 1:
        sys.exit("--keep needs one run")
    print("| round | loader | records | load wall s | records/s (wall) | Neo4j CPU s (Bolt / JIT / GC / other) "
          "| records per Neo4j CPU-s | nodes: wall s, Neo4j CPU s (Bolt) | loader CPU s | indexes: wall s, Neo4j CPU s "
          "| load and indexes: wall s, records/s | Neo4j max RSS MB | loader max RSS MB | load average (start, end of load, end) "
          "| busy cores |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    args.run = 0
    for r in range(args.rounds):
        for b in args.binaries:
            args.run += 1
            x = one(b, args)
            s = x["split"]
            path, workers, conf, opts = parse_spec(b)
            if args.load_config and opts is None:
                opts = LOAD_JAVA_OPTS
            name = os.path.basename(path) + (f" +{workers} writers" if workers else "") + \
                (f" @{os.path.basename(conf)}" if conf else "") + (f" ({opts})" if opts else "")
            index = "—" if args.load_only else f"{x['index_wall']:.1f}, {x['index_cpu']:.1f}"
            both = "—" if args.load_only else \
                f"{x['wall'] + x['index_wall']:.1f}, {x['records'] / (x['wall'] + x['index_wall']):,.0f}"
            print(f"| {r + 1} | {name} | {x['records']:,} | {x['wall']:.1f} | {x['rate']:,.0f} | "
                  f"{x['neo4j_cpu']:.1f} ({s['bolt']:.1f} / {s['jit']:.1f} / {s['gc']:.1f} / {s['other']:.1f}) | "
                  f"{x['per_cpu']:,.0f} | {x['node_wall']:.1f}, {x['node_cpu']:.1f} ({x['node_bolt']:.1f}) | "
                  f"{x['loader_cpu']:.1f} | {index} | {both} | "
                  f"{int(x['maxrss_neo4j']) // 1024:,} | {x['loader_rss']:,} | {', '.join(x['loadavg'])} | "
                  f"{x['busy']:.2f} |",
                  flush=True)


if __name__ == "__main__":
    main()
