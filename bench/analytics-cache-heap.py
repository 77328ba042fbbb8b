# Usage: python3 bench/analytics-cache-heap.py http://127.0.0.1:26090 http://127.0.0.1:26091
# (a server on the seeded reference graph started with --debug-addr 127.0.0.1:26091 and
# --rate-limit 0). Sends 231 distinct label sets of PAGERANK (first: 1), 4 at a time, and
# prints the live heap after a GC (HeapAlloc of /debug/pprof/heap?gc=1&debug=1) before and after.
import itertools, json, urllib.request, concurrent.futures, re, sys
U = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:26090"
D = sys.argv[2] if len(sys.argv) > 2 else "http://127.0.0.1:26091"
labels = ["PROVINCE","PREFECTURE","COUNTY","MUSEUM","SCHOOL","NORMAL_UNIVERSITY","ORGANIZATION","FORUM","PROGRAM","PERSON","NATIONAL_STATISTICS"]
sets = [c for k in (2, 3, 4) for c in itertools.combinations(labels, k) if "SCHOOL" in c or "MUSEUM" in c][:231]
def q(ls):
    body = json.dumps({"query": "query($l:[NodeLabel!]){ centrality(algorithm: PAGERANK, labels: $l, first: 1) { score } }", "variables": {"l": list(ls)}}).encode()
    r = urllib.request.urlopen(urllib.request.Request(U + "/query", body, {"Content-Type": "application/json"}), timeout=60)
    return json.load(r).get("errors")
def heap():
    t = urllib.request.urlopen(D + "/debug/pprof/heap?gc=1&debug=1").read().decode()
    return float(re.search(r"^# HeapAlloc = (\d+)", t, re.M).group(1)) / 1e6
print("sets", len(sets), "live heap before: %.1f MB" % heap())
with concurrent.futures.ThreadPoolExecutor(4) as ex:
    errs = [e for e in ex.map(q, sets) if e]
print("errors", len(errs), errs[:2])
print("live heap after: %.1f MB" % heap())
