#!/usr/bin/env python3
"""research-neo4j.py: the README's research requests on Neo4j, server A
against server B over the SAME Neo4j, in alternating rounds.

    NEO4J_URI=bolt://127.0.0.1:26150 NEO4J_USER=neo4j NEO4J_PASSWORD=kepugraph-test \\
    NEO4J_PID=$(cat $NEO4J_STATE_DIR/neo4j.pid) PORTS="26101 26102" ROUNDS=3 N=10 \\
      nice -n 10 python3 bench/research-neo4j.py BIN_A BIN_B

Starts BIN_A (which loads the reference dataset when the database is
empty) and BIN_B (--no-seed) on the ports, sends every request once to
each (warm-up), then ROUNDS rounds; in each, per request and per server
(the order alternating), N requests one after another, and records per
request: the CPU time (utime + stime, /proc/PID/stat) of the server and of
the Neo4j JVM, the server's store calls (kepugraph_store_calls_total from
/metrics: at most one Bolt statement each, bar retries; a Nodes call
answered from the request scope makes none) and the wall time. Prints
the medians over the rounds per request and server, and the load average
before and after. Both servers are stopped at the end. Needs Linux (/proc).
"""
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request

REQUESTS = [
    ("YunnanGaps", "/query", """query { coverage(level: COUNTY, within: "UHJvdmluY2U6Q04tWU4") {
    covered { numerator denominator value }
    uncoveredPlaces(first: 10) { totalCount edges { rank score node { ... on County { name nameZh prefecture { name } } } } } } }"""),
    ("AnhuiSchoolGaps", "/query", """query { schoolsWithoutLocalPartner(province: "UHJvdmluY2U6Q04tQUg", first: 5) {
    totalCount edges { rank score node { ... on School { name county { name } } } } } }"""),
    ("AnhuiMuseumGaps", "/query", """query { museumsWithoutSchoolPartner(province: "UHJvdmluY2U6Q04tQUg", first: 5) {
    totalCount edges { rank score node { ... on Museum { name kind } } } } }"""),
    ("exportAround", "/export/graphology?around=TXVzZXVtOmNzdG0&hops=2", None),
]
TCK = os.sysconf("SC_CLK_TCK")
ENV = os.environ


def cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TCK


def calls(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30) as r:
        text = r.read().decode()
    return sum(float(m.group(1)) for m in re.finditer(r"^kepugraph_store_calls_total\{[^}]*\} (\S+)$", text, re.M))


def send(port, path, query):
    url = f"http://127.0.0.1:{port}{path}"
    if query is None:
        req = urllib.request.Request(url)
    else:
        req = urllib.request.Request(url, data=json.dumps({"query": query}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        body = r.read()
    if query is not None and b'"errors"' in body:
        raise SystemExit(f"{path} on port {port}: {body[:300]!r}")
    return body


def start(binary, port, seed):
    args = [binary, "--addr", f"127.0.0.1:{port}", "--store", "neo4j", "--rate-limit", "0",
            "--log-level", "warn", "--timeout", "120s"]
    if not seed:
        args.append("--no-seed")
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=open(f"/tmp/research-neo4j-{port}.log", "w"))
    for _ in range(1200):
        if p.poll() is not None:
            raise SystemExit(f"{binary} exited: see /tmp/research-neo4j-{port}.log")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as r:
                if r.status == 200:
                    n = json.loads(send(port, "/query", "{ museums { totalCount } }"))["data"]["museums"]["totalCount"]
                    if n > 0:
                        return p
        except Exception:
            pass
        time.sleep(1)
    raise SystemExit(f"{binary} not ready")


def main():
    bins = sys.argv[1:3]
    ports = ENV.get("PORTS", "26101 26102").split()
    rounds, n = int(ENV.get("ROUNDS", 3)), int(ENV.get("N", 5))
    neo = int(ENV["NEO4J_PID"])
    load0 = open("/proc/loadavg").read().split()[:3]
    procs = []
    try:
        for i, (b, port) in enumerate(zip(bins, ports)):
            procs.append(start(b, port, seed=(i == 0)))
        names = ["A", "B"]
        res = {q: {s: {"api": [], "neo": [], "calls": [], "wall": []} for s in names} for q, _, _ in REQUESTS}
        for q, path, body in REQUESTS:
            for port in ports:
                send(port, path, body)  # warm-up
        for r in range(rounds):
            for q, path, body in REQUESTS:
                order = [0, 1] if r % 2 == 0 else [1, 0]
                for i in order:
                    port, pid = ports[i], procs[i].pid
                    k0, a0, c0, t0 = calls(port), cpu(pid), cpu(neo), time.monotonic()
                    for _ in range(n):
                        send(port, path, body)
                    t1, a1, c1, k1 = time.monotonic(), cpu(pid), cpu(neo), calls(port)
                    m = res[q][names[i]]
                    m["api"].append((a1 - a0) * 1000 / n)
                    m["neo"].append((c1 - c0) * 1000 / n)
                    m["calls"].append((k1 - k0) / n)
                    m["wall"].append((t1 - t0) * 1000 / n)
        load1 = open("/proc/loadavg").read().split()[:3]
        print(f"A={bins[0]} B={bins[1]} rounds={rounds} requests/run={n}")
        print(f"load average before {' '.join(load0)}, after {' '.join(load1)}")
        print("| request | server | Neo4j CPU ms/req | API CPU ms/req | store calls/req | wall ms/req |")
        print("|---|---|---:|---:|---:|---:|")
        for q, _, _ in REQUESTS:
            for s in names:
                m = res[q][s]
                med = {k: statistics.median(v) for k, v in m.items()}
                print(f"| {q} | {s} | {med['neo']:.1f} | {med['api']:.1f} | {med['calls']:.0f} | {med['wall']:.0f} |")
    finally:
        for p in procs:
            p.terminate()
            p.wait()


if __name__ == "__main__":
    main()
