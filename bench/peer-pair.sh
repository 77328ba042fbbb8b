#!/usr/bin/env bash
# Before and after for the peer harness's three queries in process:
# BenchmarkPeerQueries (graph/peer_bench_test.go: the handler without the
# network, cpu-ms/op = the process's CPU time per request, GC included,
# GOGC=400 as the server) from the test binary of a git revision (BASE,
# default main, exported with git archive) and of the working tree, in
# ROUNDS alternating rounds (base then head in odd rounds, head then base in
# even ones), under nice. Each query runs its own number of requests
# (query 1 is 300 times cheaper than query 2). It prints every round and
# the median cpu-ms/op, allocs/op and B/op of each side per query.
#
#   bash bench/peer-pair.sh
#   BASE=16229b8 ROUNDS=7 bash bench/peer-pair.sh
#
# Needs: go, git, tar, awk.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${BASE:-main} ROUNDS=${ROUNDS:-5}
N_MUSEUM=${N_MUSEUM:-20000x} N_NESTED=${N_NESTED:-300x} N_PROVINCE=${N_PROVINCE:-2000x}
WORK=${WORK:-$(mktemp -d /tmp/kepugraph-peer-pair.XXXXXX)}
if [ ! -x "$WORK/base.test" ]; then
	mkdir -p "$WORK/base-src"
	git archive "$BASE" | tar -x -C "$WORK/base-src"
	(cd "$WORK/base-src" && nice -n 10 go test -c -o "$WORK/base.test" ./graph)
fi
nice -n 10 go test -c -o "$WORK/head.test" ./graph
run() {
	echo "== round $1 $2 load $(cut -d' ' -f1-3 /proc/loadavg)"
	for q in museum:$N_MUSEUM nested:$N_NESTED province:$N_PROVINCE; do
		(cd graph && GOGC=400 nice -n 10 "$WORK/$2.test" -test.run XXX -test.bench "^BenchmarkPeerQueries\$/^${q%:*}\$" \
			-test.benchtime "${q#*:}" -test.benchmem | grep '^Benchmark' | sed "s/^/$2 /")
	done
}
for i in $(seq 1 "$ROUNDS"); do
	if [ $((i % 2)) = 1 ]; then run "$i" base; run "$i" head; else run "$i" head; run "$i" base; fi
done | tee "$WORK/rounds.txt"
echo "medians (cpu-ms/op, allocs/op, B/op):"
med() { sort -n | awk '{a[NR] = $1} END {printf "%s", a[int((NR + 1) / 2)]}'; }
field() { awk -v u="$1" '{for (i = 1; i < NF; i++) if ($(i+1) == u) print $i}'; }
for q in museum nested province; do
	for side in base head; do
		rows=$(grep "^$side BenchmarkPeerQueries/$q-" "$WORK/rounds.txt")
		echo "$q $side $(field cpu-ms/op <<<"$rows" | med) $(field allocs/op <<<"$rows" | med) $(field B/op <<<"$rows" | med)"
	done
done
