#!/usr/bin/env bash
# Before and after for place-scoped store calls in process:
# BenchmarkPlaceShapes (embedded/place_bench_test.go: one province's museums
# by name, the schools of a prefecture, the normal universities of a province,
# every province's first museums; cpu-ns/op = the process's CPU time per
# call) from the test binary of a git revision (BASE, default main,
# exported with git archive; the working tree's benchmark file is copied
# into it, so both sides run the same benchmark) and of the working tree,
# in ROUNDS alternating rounds (base then head in odd rounds, head then
# base in even ones), under nice. It prints every round and the median
# cpu-ns/op, allocs/op and B/op of each side per shape.
#
#   bash bench/place-pair.sh
#   BASE=c4e1a70 ROUNDS=7 N=3000x bash bench/place-pair.sh
#
# Needs: go, git, tar, awk.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${BASE:-main} ROUNDS=${ROUNDS:-5} N=${N:-2000x}
WORK=${WORK:-$(mktemp -d /tmp/kepugraph-place-pair.XXXXXX)}
if [ ! -x "$WORK/base.test" ]; then
	mkdir -p "$WORK/base-src"
	git archive "$BASE" | tar -x -C "$WORK/base-src"
	cp embedded/place_bench_test.go "$WORK/base-src/embedded/"
	(cd "$WORK/base-src" && nice -n 10 go test -c -o "$WORK/base.test" ./embedded)
fi
nice -n 10 go test -c -o "$WORK/head.test" ./embedded
run() {
	echo "== round $1 $2 load $(cut -d' ' -f1-3 /proc/loadavg)"
	(cd embedded && GOGC=400 nice -n 10 "$WORK/$2.test" -test.run XXX -test.bench '^BenchmarkPlaceShapes$' \
		-test.benchtime "$N" -test.benchmem | grep '^Benchmark' | sed "s/^/$2 /")
}
for i in $(seq 1 "$ROUNDS"); do
	if [ $((i % 2)) = 1 ]; then run "$i" base; run "$i" head; else run "$i" head; run "$i" base; fi
done | tee "$WORK/rounds.txt"
echo "medians (cpu-ns/op, allocs/op, B/op):"
med() { sort -n | awk '{a[NR] = $1} END {printf "%s", a[int((NR + 1) / 2)]}'; }
field() { awk -v u="$1" '{for (i = 1; i < NF; i++) if ($(i+1) == u) print $i}'; }
for q in museums-province schools-prefecture universities-province museums-per-province; do
	for side in base head; do
		rows=$(grep "^$side BenchmarkPlaceShapes/$q-" "$WORK/rounds.txt")
		echo "$q $side $(field cpu-ns/op <<<"$rows" | med) $(field allocs/op <<<"$rows" | med) $(field B/op <<<"$rows" | med)"
	done
done
