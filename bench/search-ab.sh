#!/usr/bin/env bash
# Before and after for search: BenchmarkSearch (embedded, first 10; texts
# "named", "broad" and "digits" of the working tree's
# embedded/search_bench_test.go, copied into BASE's) from the test binary
# of a git revision (BASE, default main) and of the working tree, in ROUNDS
# alternating rounds (the order flips every round), each BENCHTIME calls per
# group. It prints every round (ns/op, cpu-ms/op = the process's CPU time
# per call, p50 and p99 in ms) and the median cpu-ms/op of each side.
#
#   bash bench/search-ab.sh                                  # reference dataset
#   BASE=e0f88de DATA=/tmp/d100k BENCHTIME=300x bash bench/search-ab.sh
#
# DATA: a data directory made by `go run ./seed --scale N --data-dir DIR`
# (opened by both binaries in turn; searches do not write it). Needs: go, git.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${BASE:-main} ROUNDS=${ROUNDS:-3} BENCHTIME=${BENCHTIME:-1000x} DATA=${DATA:-}
WORK=${WORK:-$(mktemp -d /tmp/kepugraph-search-ab.XXXXXX)}
git worktree add --detach "$WORK/base-src" "$BASE" >/dev/null
trap 'git worktree remove --force "$WORK/base-src"' EXIT
# Both sides search the working tree's texts (searchTexts).
cp embedded/search_bench_test.go "$WORK/base-src/embedded/"
(cd "$WORK/base-src" && go test -c -o "$WORK/base.test" ./embedded)
go test -c -o "$WORK/head.test" ./embedded
run() {
	echo "== round $1 $2 load $(cut -d' ' -f1-3 /proc/loadavg)"
	(cd embedded && KEPUGRAPH_BENCH_DATA_DIR=$DATA nice -n 10 "$WORK/$2.test" -test.run XXX \
		-test.bench '^BenchmarkSearch$/' -test.benchtime "$BENCHTIME" | grep '^Benchmark' | sed "s/^/$2 /")
}
for i in $(seq 1 "$ROUNDS"); do
	if [ $((i % 2)) = 1 ]; then run "$i" base; run "$i" head; else run "$i" head; run "$i" base; fi
done | tee "$WORK/rounds.txt"
echo "median cpu-ms/op:"
for side in base head; do
	for g in named broad digits; do
		grep "^$side BenchmarkSearch/$g" "$WORK/rounds.txt" | awk '{for (i = 1; i < NF; i++) if ($(i+1) == "cpu-ms/op") print $i}' |
			sort -n | awk -v s="$side" -v g="$g" '{a[NR] = $1} END {print s, g, a[int((NR + 1) / 2)]}'
	done
done
