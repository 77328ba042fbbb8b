#!/usr/bin/env python3
"""CPU time per request of each server, Neo4j's included: one connection
(`wrk -t1 -c1 -dDURATION --latency`), ROUNDS alternating rounds per query;
for every run the CPU time (user + system, /proc/PID/stat) that the
server's process and the Neo4j process spent, divided by the requests
answered. On a shared machine this moves far less than requests/s.

    SERVERS="name=URL@PID ..." NEO4J_PID=... python3 cpu.py OUTDIR

Prints and writes cpu.md: per query and server the median CPU ms per
request (server + Neo4j, and Neo4j's part) and the median p50 latency.
"""
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench import QUERIES, body, BENCH, ms  # noqa: E402

ENV = os.environ
ROUNDS = int(ENV.get("ROUNDS", 3))
DURATION = ENV.get("DURATION", "5")
TCK = os.sysconf("SC_CLK_TCK")


def cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TCK  # utime, stime (fields 14, 15)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    servers = {}
    for s in ENV["SERVERS"].split():
        name, rest = s.split("=", 1)
        url, pid = rest.rsplit("@", 1)
        servers[name] = (url, int(pid))
    neo = int(ENV["NEO4J_PID"])
    names = list(servers)
    queries = ENV.get("QUERIES", " ".join(QUERIES)).split()
    res = {}
    for q in queries:
        res[q] = {s: {"cpu": [], "neo": [], "p50": [], "n": []} for s in names}
        for i in range(ROUNDS):
            order = names[i % len(names):] + names[:i % len(names)]
            for s in order:
                url, pid = servers[s]
                c0, n0 = cpu(pid), cpu(neo)
                cmd = ["wrk", "-t1", "-c1", f"-d{DURATION}s", "--latency", "-s", os.path.join(BENCH, "post.lua"), url]
                r = subprocess.run(cmd, env={**ENV, "BODY_FILE": body(s, q)}, capture_output=True, text=True, check=True)
                c1, n1 = cpu(pid), cpu(neo)
                with open(f"{out}/cpu-{q}-{s}-round{i + 1}.txt", "w") as f:
                    f.write(" ".join(cmd) + "\n" + r.stdout + f"\nserver cpu {c1 - c0:.2f} s, neo4j cpu {n1 - n0:.2f} s\n")
                n = int(re.search(r"(\d+) requests in", r.stdout).group(1))
                if re.search(r"Non-2xx|Socket errors", r.stdout):
                    print(f"warning: errors in {q} {s} round {i + 1}", file=sys.stderr)
                m = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)\s*$", r.stdout, re.M)
                d = res[q][s]
                d["n"].append(n)
                d["cpu"].append(1000 * ((c1 - c0) + (n1 - n0)) / max(n, 1))
                d["neo"].append(1000 * (n1 - n0) / max(n, 1))
                d["p50"].append(ms(*m.groups()))
            print(f"{q} round {i + 1}: " + "  ".join(f"{s} {res[q][s]['cpu'][-1]:.2f} ms" for s in names), flush=True)
    lines = [f"CPU ms per request (server + Neo4j; Neo4j's part in brackets) and p50 ms, medians of {ROUNDS} "
             f"alternating rounds of {DURATION} s on one connection (`wrk -t1 -c1 --latency`).", "",
             "| query | " + " | ".join(f"{s} CPU ms [Neo4j] / p50 ms" for s in names) + " |",
             "|---" * (len(names) + 1) + "|"]
    for q in queries:
        lines.append(f"| {QUERIES[q]} | " + " | ".join(
            f"{statistics.median(res[q][s]['cpu']):.2f} [{statistics.median(res[q][s]['neo']):.2f}] / "
            f"{statistics.median(res[q][s]['p50']):.2f}" for s in names) + " |")
    text = "\n".join(lines) + "\n"
    with open(f"{out}/cpu.md", "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
