#!/usr/bin/env python3
"""Checks that kepugraph and the @neo4j/graphql peer answer the benchmark
queries with the same records, in the same order.

    python3 compare.py KEPUGRAPH_URL PEER_URL [KEPUGRAPH_URL ...]

Each answer is reduced to plain records (kepugraph's global IDs decoded to
the node IDs the peer returns): query 1 the museum and its province, query 2
each museum with its 20 partner schools and their counties, query 3 the
total and each museum's name and partner count. Exits 1 on a difference.
"""
import base64
import json
import os
import sys
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(os.path.dirname(HERE))


def kepu_query(name):
    if name == "province":
        return os.path.join(HERE, "queries", "kepugraph", "province.json")
    return os.path.join(BENCH, "queries", name + ".json")


def request(url, body, headers=None, what=""):
    """POSTs a GraphQL request (JSON bytes) and returns its data; exits on errors."""
    req = urllib.request.Request(url, body, {"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(req, timeout=120) as r:
        ans = json.load(r)
    if ans.get("errors"):
        raise SystemExit(f"{url} {what}: errors {ans['errors']}")
    return ans["data"]


def post(url, path):
    with open(path, "rb") as f:
        return request(url, f.read(), what=os.path.basename(path))


def gid(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)).decode()


def place(p):
    return None if p is None else {k: (gid(v) if k == "id" else v) for k, v in p.items()}


def kepu_records(name, d):
    if name == "museum":
        n = d["node"]
        return [[gid(n["id"]), n["name"], n["nameZh"], n["kind"], place(n["province"])]]
    if name == "nested":
        return [[gid(m["id"]), m["name"],
                 [[gid(s["id"]), s["name"], place(s["county"])] for s in m["schoolPartners"]["nodes"]]]
                for m in d["museums"]["nodes"]]
    ms = d["museums"]
    return [ms["totalCount"], [[m["name"], m["schoolPartners"]["totalCount"]] for m in ms["nodes"]]]


def peer_records(name, d):
    if name == "museum":
        return [[m["id"], m["name"], m["nameZh"], m["kind"], m["province"]] for m in d["museums"]]
    if name == "nested":
        return [[m["id"], m["name"], [[s["id"], s["name"], s["county"]] for s in m["schoolPartners"]]]
                for m in d["museums"]]
    c = d["museumsConnection"]
    return [c["totalCount"], [[e["node"]["name"], e["node"]["schoolPartnersConnection"]["totalCount"]] for e in c["edges"]]]


def size(name, recs):
    if name == "province":
        return f"totalCount {recs[0]}, {len(recs[1])} museums"
    if name == "nested":
        return f"{len(recs)} museums, {sum(len(m[2]) for m in recs)} partner schools"
    return f"{len(recs)} museum"


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    kepus, peer = sys.argv[1:2] + sys.argv[3:], sys.argv[2]
    bad = 0
    for name in ("museum", "nested", "province"):
        want = peer_records(name, post(peer, os.path.join(HERE, "queries", name + ".json")))
        for url in kepus:
            got = kepu_records(name, post(url, kepu_query(name)))
            same = got == want
            bad += not same
            print(f"{name}: {url} {'same records as' if same else 'DIFFERS from'} the peer ({size(name, got)})")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
