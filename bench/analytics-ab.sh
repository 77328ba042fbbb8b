#!/usr/bin/env bash
# bench/analytics-ab.sh: the analytics fixes of 2026-12-02 (docs/benchmarks.md,
# "Analytics fixes (2026-12-02, late morning)") on the reference graph
# (13,459 nodes), CPU time per operation:
#
# 1. BenchmarkModularityWholeGraph: the modularity of the whole graph's
#    connected components from the edges ("edges") beside gonum's
#    community.Q ("gonumQ", what communities(algorithm:
#    CONNECTED_COMPONENTS) used before), and Communities as a whole; one
#    binary, ROUNDS counts.
# 2. BenchmarkPageRankWholeGraph (load the whole graph, PageRank once) at
#    BASE (default f9ede25: gonum's PageRankSparse) and at this checkout, in
#    alternating rounds (base first).
#
#   bench/analytics-ab.sh [ROUNDS]      (default 3)
#   KEPUGRAPH_BENCH_DATA_DIR=DIR bench/analytics-ab.sh   # a seeded data dir (e.g. a COPY of /work/scale1m)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-3}
base=${BASE:-f9ede25}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
go test -c -o "$work/new.test" ./analysis
mkdir "$work/base"
git archive "$base" | tar -x -C "$work/base"
(cd "$work/base" && go test -c -o "$work/base.test" ./analysis)
cd "$root/analysis"
echo "== modularity (one binary, $rounds rounds)"
"$work/new.test" -test.run '^$' -test.bench 'ModularityWholeGraph' -test.benchtime 3x -test.count "$rounds" | grep -E '^Benchmark|components'
for r in $(seq "$rounds"); do
	for v in base new; do
		echo "== PageRank $v round $r"
		"$work/$v.test" -test.run '^$' -test.bench 'PageRankWholeGraph' -test.benchtime 5x | grep '^Benchmark'
	done
done
uptime
