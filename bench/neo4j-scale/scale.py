#!/usr/bin/env python3
"""The scale table of issue 13 against a kepugraph server (on Neo4j, or any
store) that serves the 1M-node benchmark graph (`seed --scale 1000000`):
queries 1-3 of bench/queries and the peer benchmark, a page of 100 museums
after a cursor in several orders, filtered totalCount, a single mutation and a shortest path, each on one connection
(`wrk -t1 -c1 -dDURATION --latency`), p50/p99 and requests/s.

    python3 bench/neo4j-scale/scale.py http://127.0.0.1:18190/query [OUTDIR]

Cursors and IDs come from the graph (the first page of each order, the
first bulk museum and two bulk schools of one county); every request is
checked once for errors before it is timed. DURATION (seconds, default 10);
TOKEN, an editor's API key of the server (for the mutation).
"""
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "peers", "neo4j-graphql"))
import compare  # noqa: E402  (request: POST and check for errors)
POST_LUA = os.path.join(os.path.dirname(HERE), "post.lua")
DURATION = os.environ.get("DURATION", "10")
# The mutation needs an editor's API key: start the server with
# KEPUGRAPH_TOKENS=bench:editor:<sha256 of the token> and set TOKEN.
AUTH = {"Authorization": "Bearer " + os.environ["TOKEN"]} if os.environ.get("TOKEN") else {}


def gql(url, query, variables=None):
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    return compare.request(url, body, AUTH, query[:80])


def page(order):
    return ("query Page($after: String) { museums(orderBy: [{field: %s}], first: 100, after: $after) "
            "{ nodes { id name } pageInfo { endCursor } } }" % order)


def ms(v, unit):
    return float(v) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def main():
    url = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="neo4j-scale.")
    os.makedirs(out, exist_ok=True)
    bench = os.path.dirname(HERE)
    cases = [("query 1: museum by ID with province", open(os.path.join(bench, "queries", "museum.json")).read(), None),
             ("query 2: 50 museums × 20 partners × county", open(os.path.join(bench, "queries", "nested.json")).read(), None)]
    rows = []
    for order in ("ID", "NAME", "OFFLINE_VISITS", "SCHOOL_PARTNERS_COUNT"):
        name = f"page of 100 museums by {order} after a cursor"
        try:
            cursor = gql(url, page(order))["museums"]["pageInfo"]["endCursor"]
        except SystemExit as e:  # a request that fails is a row of the table
            rows.append(f"| {name} | failed: {str(e)[-160:]} | | |")
            print(rows[-1], flush=True)
            continue
        cases.append((name, page(order), {"after": cursor}))
    cases.append(("filtered totalCount: museums of kind STANDARD",
                  '{ museums(where: {kind: {eq: STANDARD}}) { totalCount } }', {}))
    cases.append(("filtered totalCount: museums in Zhejiang",
                  '{ museums(where: {province: {code: {eq: "CN-ZJ"}}}) { totalCount } }', {}))
    cases.append(("query 3: Zhejiang's museums by name, totalCount, partner counts",
                  open(os.path.join(bench, "peers", "neo4j-graphql", "queries", "kepugraph", "province.json")).read(), None))
    museum = gql(url, '{ museums(where: {name: {startsWith: "Generated"}}, first: 1) { nodes { id offlineVisits } } }')["museums"]["nodes"][0]
    cases.append(("single mutation: updateMuseum (one property)",
                  "mutation M($id: ID!, $v: WholeNumber) { updateMuseum(id: $id, input: {offlineVisits: $v}) { id offlineVisits } }",
                  {"id": museum["id"], "v": museum["offlineVisits"]}))
    # Two museums with a partner school in common: a path of 2 PARTNERS_WITH
    # relationships (the breadth-first search meets a museum's ~40 partners
    # and their museums).
    pair = gql(url, '{ museums(where: {kind: {eq: STANDARD}, name: {startsWith: "Generated"}, schoolPartners_some: {}}, first: 1) '
                    '{ nodes { id schoolPartners(first: 1) { nodes { museumPartners(first: 2) { nodes { id } } } } } } }')["museums"]["nodes"][0]
    other = next(m["id"] for m in pair["schoolPartners"]["nodes"][0]["museumPartners"]["nodes"] if m["id"] != pair["id"])
    cases.append(("shortest path: two museums with a partner school in common (PARTNERS_WITH, maxHops 4)",
                  "query P($a: ID!, $b: ID!) { shortestPath(from: $a, to: $b, relationships: [PARTNERS_WITH], maxHops: 4) { length } }",
                  {"a": pair["id"], "b": other}))
    for i, (name, query, variables) in enumerate(cases):
        body = query if variables is None else json.dumps({"query": query, "variables": variables})
        path = os.path.join(out, f"case{i}.json")
        with open(path, "w") as f:
            f.write(body)
        b = json.loads(body)
        try:
            gql(url, b["query"], b.get("variables"))
        except SystemExit as e:
            rows.append(f"| {name} | failed: {str(e)[-160:]} | | |")
            print(rows[-1], flush=True)
            continue
        cmd = ["wrk", "-t1", "-c1", f"-d{DURATION}s", "--latency", "-s", POST_LUA, url]
        if AUTH:
            cmd[1:1] = ["-H", "Authorization: " + AUTH["Authorization"]]
        r = subprocess.run(cmd, env={**os.environ, "BODY_FILE": path}, capture_output=True, text=True, check=True)
        with open(os.path.join(out, f"case{i}.txt"), "w") as f:
            f.write(name + "\n" + " ".join(cmd) + "\n" + r.stdout)
        if re.search(r"^\s+Latency\s+0\.00us", r.stdout, re.M):  # every answer after wrk's 2 s timeout
            n = re.search(r"^\s+(\d+) requests in", r.stdout, re.M).group(1)
            rows.append(f"| {name} | over 2 s (wrk's timeout; {n} answers in {DURATION} s) | | |")
            print(rows[-1], flush=True)
            continue
        p = {q: ms(*re.search(rf"^\s+{q}%\s+([\d.]+)(us|ms|s)\s*$", r.stdout, re.M).groups()) for q in (50, 99)}
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", r.stdout).group(1))
        rows.append(f"| {name} | {p[50]:.1f} | {p[99]:.1f} | {rps:,.0f} |")
        print(rows[-1], flush=True)
    text = "| request | p50 ms | p99 ms | req/s (1 connection) |\n|---|---|---|---|\n" + "\n".join(rows) + "\n"
    open(os.path.join(out, "summary.md"), "w").write(text)
    print(text)


if __name__ == "__main__":
    main()
