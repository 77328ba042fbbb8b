#!/usr/bin/env python3
"""Load benchmark of kepugraph (on Neo4j, and embedded) against the
@neo4j/graphql peer, in one run, alternating the servers in rounds.

    SERVERS="kepugraph-neo4j=http://127.0.0.1:18090/query ..." python3 bench.py OUTDIR

Per query: WARMUP seconds of load per server, then ROUNDS rounds in which
each server gets DURATION seconds of `wrk -tTHREADS -cCONNECTIONS` (the
order rotates every round); the median requests/s per server. Then
LAT_DURATION seconds on one connection (`wrk -t1 -c1 --latency`) per server
for p50/p99, and the store round trips of one request (kepugraph reports
them in `extensions.storeCalls`; the peer sends one Cypher statement per
request, counted from its driver when PEER_TRIPS_URL is set). Writes every
wrk output, results.json and summary.md to OUTDIR.
"""
import json
import os
import re
import statistics
import subprocess
import sys
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(os.path.dirname(HERE))
QUERIES = {
    "museum": "1 museum by ID with province",
    "nested": "2 50 museums × 20 partners × county",
    "province": "3 one province's museums by name, totalCount, partner counts",
}
ENV = os.environ
ROUNDS = int(ENV.get("ROUNDS", 5))
DURATION = ENV.get("DURATION", "5")
WARMUP = ENV.get("WARMUP", "3")
LAT_DURATION = ENV.get("LAT_DURATION", "5")
THREADS = ENV.get("THREADS", "2")
CONNECTIONS = ENV.get("CONNECTIONS", "16")


def body(server, query):
    if server.startswith("peer"):
        return os.path.join(HERE, "queries", query + ".json")
    if query == "province":
        return os.path.join(HERE, "queries", "kepugraph", "province.json")
    return os.path.join(BENCH, "queries", query + ".json")


def wrk(url, path, args, out):
    cmd = ["wrk", *args, "-s", os.path.join(BENCH, "post.lua"), url]
    r = subprocess.run(cmd, env={**ENV, "BODY_FILE": path}, capture_output=True, text=True, check=True)
    with open(out, "w") as f:
        f.write(" ".join(cmd) + "\n" + r.stdout + r.stderr)
    if re.search(r"Non-2xx or 3xx responses|Socket errors", r.stdout):
        print(f"warning: errors in {out}", file=sys.stderr)
    return r.stdout


def rps(text):
    return float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))


def ms(v, unit):
    return float(v) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def pct(text, p):
    m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    return ms(*m.groups())


def trips(url, path):
    with open(path, "rb") as f:
        req = urllib.request.Request(url, f.read(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.load(r).get("extensions", {}).get("storeCalls")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    servers = dict(s.split("=", 1) for s in ENV["SERVERS"].split())
    names = list(servers)
    queries = ENV.get("QUERIES", " ".join(QUERIES)).split()
    res = {}
    for q in queries:
        print(f"== {q}", flush=True)
        r = res[q] = {s: {"rounds": []} for s in names}
        for s in names:
            wrk(servers[s], body(s, q), [f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{WARMUP}s"], f"{out}/{q}-{s}-warmup.txt")
        for i in range(ROUNDS):
            order = names[i % len(names):] + names[:i % len(names)]
            for s in order:
                t = wrk(servers[s], body(s, q), [f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{DURATION}s"], f"{out}/{q}-{s}-round{i + 1}.txt")
                r[s]["rounds"].append(rps(t))
            print(f"round {i + 1}: " + "  ".join(f"{s} {r[s]['rounds'][-1]:.0f}" for s in names), flush=True)
        for s in names:
            t = wrk(servers[s], body(s, q), ["-t1", "-c1", f"-d{LAT_DURATION}s", "--latency"], f"{out}/{q}-{s}-latency.txt")
            r[s].update(median=statistics.median(r[s]["rounds"]), p50_ms=pct(t, 50), p99_ms=pct(t, 99),
                        trips=1 if s.startswith("peer") else trips(servers[s], body(s, q)))
    with open(f"{out}/results.json", "w") as f:
        json.dump(res, f, indent=1)
    peer = next(s for s in names if s.startswith("peer"))
    lines = [f"Medians of {ROUNDS} alternating rounds of {DURATION} s, `wrk -t{THREADS} -c{CONNECTIONS}`; "
             f"p50/p99 over {LAT_DURATION} s on one connection (`wrk -t1 -c1 --latency`).", "",
             "| query | " + " | ".join(f"{s} req/s" for s in names) + " | " +
             " | ".join(f"{s}/{peer}" for s in names if s != peer) + " |",
             "|---" * (2 * len(names)) + "|"]
    for q in queries:
        r = res[q]
        lines.append(f"| {QUERIES[q]} | " + " | ".join(f"{r[s]['median']:,.0f}" for s in names) + " | " +
                     " | ".join(f"{r[s]['median'] / r[peer]['median']:.2f}" for s in names if s != peer) + " |")
    lines += ["", "| query | " + " | ".join(f"{s} p50 / p99 ms (round trips)" for s in names) + " |",
              "|---" * (len(names) + 1) + "|"]
    for q in queries:
        r = res[q]
        lines.append(f"| {QUERIES[q]} | " + " | ".join(
            f"{r[s]['p50_ms']:.2f} / {r[s]['p99_ms']:.2f} ({r[s]['trips']})" for s in names) + " |")
    lines += ["", "Rounds (req/s):", ""]
    for q in queries:
        lines.append(f"- {q}: " + "; ".join(f"{s} " + ", ".join(f"{v:.0f}" for v in res[q][s]["rounds"]) for s in names))
    text = "\n".join(lines) + "\n"
    with open(f"{out}/summary.md", "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
