#!/usr/bin/env bash
# The embedded whole load (graph + full-text index) of the benchmark graph,
# before and after: bench-scale built at BASE (default 1f5738f, main before
# the search index's format 5) and from the working tree, in ROUNDS
# alternating rounds at SCALE nodes (default 100000), each from an empty
# directory. For every run it prints the load average at the start, CPU
# (user + system, /usr/bin/time), peak RSS, wall and bench-scale's own
# lines; then the medians. With ANSWERS=1 it then compares the answers of
# both indexes (TestSearchCompareDump: 64 texts x 2, candidates, totals,
# first 20 hits with scores; lines the same, and the same but for the
# number of candidates) and runs the search benchmark on both
# (BenchmarkSearch, 500 calls per group).
#
#   bash bench/index-cpu.sh                         # 100k, 3 rounds
#   SCALE=1000000 ROUNDS=1 bash bench/index-cpu.sh  # 1M: about 2-3 GB each, one at a time
#   ANSWERS=1 bash bench/index-cpu.sh
#
# Needs: git, go, /usr/bin/time. WORK (default a new temporary directory)
# holds the binaries and data directories; it is removed at the end unless
# KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${BASE:-1f5738f} SCALE=${SCALE:-100000} ROUNDS=${ROUNDS:-3}
WORK=${WORK:-$(mktemp -d /tmp/kepugraph-index-cpu.XXXXXX)}
mkdir -p "$WORK"
cleanup() {
	git worktree remove --force "$WORK/base-src" 2>/dev/null || true
	if [ "${KEEP:-}" != 1 ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

git worktree add -q --detach "$WORK/base-src" "$BASE"
(cd "$WORK/base-src" && go build -o "$WORK/old-scale" ./bench/scale && go test -c -o "$WORK/old.test" ./embedded)
go build -o "$WORK/new-scale" ./bench/scale
go test -c -o "$WORK/new.test" ./embedded

cd "$WORK"
: > runs.txt
for r in $(seq "$ROUNDS"); do
	order="old new"
	if [ $((r % 2)) = 0 ]; then order="new old"; fi
	for v in $order; do
		rm -rf "L-$v"
		la=$(cut -d' ' -f1-3 /proc/loadavg)
		/usr/bin/time -f "%U %S %M %e" -o "t.$v" nice -n 10 "./$v-scale" -build -dir "L-$v" -scale "$SCALE" > "o.$v" 2>&1
		read -r u s m e < "t.$v"
		cpu=$(echo "$u + $s" | bc)
		echo "round $r $v: load $la | CPU ${cpu} s (user $u, sys $s) | peak RSS $((m / 1024)) MB | wall ${e} s"
		grep -E '^(graph|load):' "o.$v" | sed 's/^/    /'
		echo "$v $cpu $m $e" >> runs.txt
	done
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
for v in old new; do
	echo "$v: median CPU $(awk -v v=$v '$1==v {print $2}' runs.txt | median) s," \
		"peak RSS $(awk -v v=$v '$1==v {print int($3/1024)}' runs.txt | median) MB," \
		"wall $(awk -v v=$v '$1==v {print $4}' runs.txt | median) s"
done

if [ "${ANSWERS:-}" = 1 ]; then
	for v in old new; do
		KEPUGRAPH_COMPARE_DIR=$PWD/L-$v KEPUGRAPH_COMPARE_OUT=$PWD/$v.jsonl "./$v.test" -test.run '^TestSearchCompareDump$' > /dev/null
	done
	echo "answers: $(paste -d'\n' old.jsonl new.jsonl | paste - - | awk -F'\t' '$1==$2' | wc -l) of $(wc -l < old.jsonl) lines the same"
	nocand() { sed 's/"Candidates":[0-9]*,//' "$1"; }
	echo "answers but the candidates: $(paste -d'\n' <(nocand old.jsonl) <(nocand new.jsonl) | paste - - | awk -F'\t' '$1==$2' | wc -l) of $(wc -l < old.jsonl) lines the same"
	paste -d'\n' old.jsonl new.jsonl | paste - - | awk -F'\t' '$1!=$2 {print "  differs: " substr($1, 1, 70) " | " substr($2, index($2, "Candidates"), 40)}'
	for v in old new; do
		echo "search, $v index and code:"
		KEPUGRAPH_BENCH_DATA_DIR=$PWD/L-$v nice -n 5 "./$v.test" -test.run XXX -test.bench '^BenchmarkSearch$/' -test.benchtime 500x | grep Benchmark
	done
fi
