#!/usr/bin/env bash
# table-ab.sh: bench/scale's table on the 1M Neo4j (docs/neo4j.md, "The 1M
# table on Neo4j: the three missed goals (2026-12-02, late morning)"), two
# sets of JVM options A and B, alternating server runs on one copy of the
# graph: in each round A's server, then B's; each server is started, runs
# the table once to warm up (discarded: the JIT compiles the write path
# during the first mutations) and once measured, and is stopped.
#
#   cp -a /work/neo4j1m /tmp/n1m    # never the cache itself
#   bench/neo4j-scale/table-ab.sh /tmp/n1m [ROUNDS]
#
# Settings (environment):
#   OPTS_A, OPTS_B  JVM options of A and B (default: none, i.e. G1, against
#                   -XX:+UseZGC); OPTS_B=same runs A twice per round (a
#                   plain quiet measure: "A" and "A again")
#   ARGS            more flags of bench/scale (default: -samples 100 -slowest 3)
#   PORT            the Bolt port (22001); NEO4J_HEAP (4g), NEO4J_PAGECACHE (3g)
#   NICE_A, NICE_B  when set, the nice value of the side's background
#                   threads (bench/neo4j-scale/renice.sh: the JIT's compiler
#                   threads and the full-text updater), set after the
#                   warm-up run, before the measured one
#   WARM            warm-up runs of the table before the measured one (default
#                   1): on Neo4j the C2 compiler still compiles through the
#                   first runs, and its threads' CPU during the measured run
#                   is printed (threads.py) to show how settled the JIT was
#   SCALE_A, SCALE_B  bench/scale binaries of A and B (default: both built
#                   from this tree), to compare two builds of the store on
#                   the same server options (OPTS_B=same)
# Each server logs its garbage collections (-Xlog:gc,gc+phases: G1's and ZGC's pauses) to STATE/gc-<side>-<round>.log;
# the script prints each run's table and, from the log, the collector's
# pauses during the measured run (count, sum, largest). Load average with each.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
state=${1:?STATE_DIR: a copy of the 1M Neo4j state directory}
state=$(cd "$state" && pwd)
rounds=${2:-1}
port=${PORT:-22001}
a=${OPTS_A:-}
b=${OPTS_B:--XX:+UseZGC}
[ "$b" = same ] && b=$a
export NEO4J_HEAP=${NEO4J_HEAP:-4g} NEO4J_PAGECACHE=${NEO4J_PAGECACHE:-3g}
export NEO4J_URI=bolt://127.0.0.1:$port NEO4J_USER=neo4j NEO4J_PASSWORD=${NEO4J_PASSWORD:-kepugraph-test}
bin=$(mktemp -d)/scale
(cd "$root" && go build -o "$bin" ./bench/scale)
bin_a=${SCALE_A:-$bin}
bin_b=${SCALE_B:-$bin}
stop() { NEO4J_STATE_DIR=$state "$root/tools/neo4j/neo4j.sh" stop >/dev/null; }
trap stop EXIT
# pauses LOG FROM: the pauses after JVM uptime FROM seconds in LOG.
pauses() {
	awk -v from="$2" '/GC\([0-9]+\) Pause/ { t = $1; gsub(/[][s]/, "", t); d = $NF; sub(/ms$/, "", d);
		if (t + 0 >= from) { n++; s += d; if (d + 0 > m) m = d + 0 } }
		END { printf "%d pauses, %.1f ms in all, largest %.1f ms\n", n, s, m }' "$1"
}
for r in $(seq "$rounds"); do
	for side in A B; do
		opts=$a scale=$bin_a nice=${NICE_A:-}
		[ $side = B ] && opts=$b scale=$bin_b nice=${NICE_B:-}
		log=$state/gc-$side-$r.log
		echo "== round $r, $side: $scale, JVM options '${opts}', heap $NEO4J_HEAP, page cache $NEO4J_PAGECACHE, $(date -u +%T)"
		NEO4J_START_TIMEOUT=900 NEO4J_STATE_DIR=$state KEPUGRAPH_NEO4J_PORT=$port \
			NEO4J_JAVA_OPTS="$opts -Xlog:gc,gc+phases:file=$log:uptime" "$root/tools/neo4j/neo4j.sh" start
		pid=$(cat "$state/neo4j.pid")
		# shellcheck disable=SC2086
		for _ in $(seq "${WARM:-1}"); do
			"$scale" -store neo4j -server-pid "$pid" ${ARGS:--samples 100 -slowest 3} >/dev/null
		done
		if [ -n "$nice" ]; then "$root/bench/neo4j-scale/renice.sh" "$pid" "$nice"; fi
		start=$(ps -o etimes= -p "$pid" | tr -d ' ')
		echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
		"$root/bench/neo4j-scale/threads.py" snap "$pid" "$state/threads-$side-$r.json"
		# shellcheck disable=SC2086
		"$scale" -store neo4j -server-pid "$pid" ${ARGS:--samples 100 -slowest 3}
		echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
		echo "server threads' CPU seconds during the measured run:"
		"$root/bench/neo4j-scale/threads.py" diff "$pid" "$state/threads-$side-$r.json" 6
		echo "collector during the measured run: $(pauses "$log" "$start")"
		echo "server RSS $(($(awk '/VmRSS/ { print $2 }' "/proc/$pid/status") / 1024)) MB"
		stop
	done
done
