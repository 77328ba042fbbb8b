#!/usr/bin/env bash
# bench/paths-ab.sh: shortest path on the 1M graph, a base commit against
# this checkout, in alternating rounds (docs/benchmarks.md, "Shortest path
# p99 at 1M (2026-12-02)" and "Shortest path: no-path bound (2026-12-02)").
#
#   bench/paths-ab.sh embedded DATA_DIR [ROUNDS]
#       DATA_DIR: a COPY of the cached 1M data directory (cp -a /work/scale1m ...).
#       Runs BenchmarkShortestPath (1000 random museum pairs) per round
#       (BENCH: another benchmark pattern, e.g. 'ShortestPathSearch$').
#   bench/paths-ab.sh neo4j [ROUNDS]
#       NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD: a Neo4j holding the 1M graph
#       (KEPUGRAPH_NEO4J_PID: its java process, for its CPU time). Runs
#       TestShortestPathScale (100 pairs on the adjacency, then 100 single
#       mutations with 5 paths each; it writes one relationship and restores
#       it). The base's test binary is built with this checkout's
#       paths_scale_test.go: the same harness on the base's analysis code.
#
# BASE (default 049cd77, main before the landmark bound) is built from
# `git archive` in a temporary directory; ROUNDS defaults to 2 (base first in each round).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:?embedded DATA_DIR or neo4j}
shift
if [ "$mode" = embedded ]; then
	data=${1:?DATA_DIR}
	shift
fi
rounds=${1:-2}
base=${BASE:-049cd77}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/src"
git -C "$root" archive "$base" | tar -x -C "$work/src"
cp "$root/neo4jstore/paths_scale_test.go" "$work/src/neo4jstore/"
pkg=analysis
[ "$mode" = neo4j ] && pkg=neo4jstore
(cd "$work/src" && go test -c -o "$work/base.test" ./$pkg)
(cd "$root" && go test -c -o "$work/new.test" ./$pkg)
for r in $(seq "$rounds"); do
	for side in base new; do
		echo "== round $r, $side ($([ $side = base ] && echo "$base" || git -C "$root" rev-parse --short HEAD)), $(date -u +%T), load average $(cut -d' ' -f1-3 /proc/loadavg)"
		if [ "$mode" = embedded ]; then
			KEPUGRAPH_BENCH_DATA_DIR=$data /usr/bin/time -f '%U s user, %S s sys, %M KB max RSS, %e s' \
				nice -n 10 "$work/$side.test" -test.run '^$' -test.bench "${BENCH:-ShortestPath\$}" -test.benchtime 1000x 2>&1 | grep -E '^Benchmark|user'
		else
			KEPUGRAPH_PATHS_SCALE=${KEPUGRAPH_PATHS_SCALE:-100} KEPUGRAPH_PATHS_SCALE_WALKS=0 \
				nice -n 10 "$work/$side.test" -test.run TestShortestPathScale -test.v -test.timeout 30m 2>&1 | grep -E 'paths_scale_test|^(--- |ok|FAIL)'
		fi
	done
done
