#!/usr/bin/env bash
# systemstats-cold.sh: the first systemStats query after a cold start of
# Neo4j and of the server, A against B, in alternating rounds.
#
#   NEO4J_STATE_DIR=/tmp/nt KEPUGRAPH_NEO4J_PORT=26080 PORT=26081 ROUNDS=3 \
#     bench/systemstats-cold.sh BIN_A BIN_B
#
# Each round, for each binary: restart Neo4j (tools/neo4j/neo4j.sh: an empty
# query plan cache and page cache), start the server on it with --no-seed
# (the database must already hold the graph: run the server once without
# --no-seed, or seed it), wait for /readyz, then until the server logs that
# its warm-up is done (at most WARM seconds, default 120; a binary without a
# warm-up waits them all), then ask systemStats twice. Per query it prints the wall time (ms) and the CPU
# time of the Neo4j JVM (utime + stime from /proc/PID/stat, ms) over the
# query and whether it answered (ok, or the error code: TIMEOUT past the
# 10 s deadline); then the medians per binary, with the load average.
# Needs: curl, Linux (/proc), tools/neo4j (Java 17 + Maven).
set -euo pipefail
SCRIPT=systemstats-cold.sh
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
need_tools curl
[ $# -eq 2 ] || { echo "usage: $SCRIPT BIN_A BIN_B" >&2; exit 2; }
: "${NEO4J_STATE_DIR:?set NEO4J_STATE_DIR (a Neo4j state dir holding the graph)}"
PORT=${PORT:-26081}
ROUNDS=${ROUNDS:-3}
WARM=${WARM:-120}
export NEO4J_STATE_DIR
n4j() { bash "$root/tools/neo4j/neo4j.sh" "$@" >/dev/null; }
ticks=$(getconf CLK_TCK)
cpu_ms() { awk -v t="$ticks" '{ print ($14 + $15) * 1000 / t }' "/proc/$1/stat"; }
query='{"query":"{ systemStats { museumsByKind { kind count } provincialCoverage { value } prefectureCoverage { value } countyLevelMuseums freeEntryMuseums mobileTours countiesVisitedByMobile provincesVisitedByMobile toursPerCounty { value } museumsHelpedByMobile caravanDistanceKm caravanEarthLaps ruralMuseumProvinces { mainlandProvinces includesXPCC } ruralTeachersTrained ruralPersonTime offlineVisits forumSessions beijingScienceCarnival { name organizations activities audience } communicationWeek2023Representatives } }"}'
out=$(mktemp)
trap 'cleanup; n4j stop || true; rm -f "$out" "$out".*' EXIT

ask() { # label bin which
	local jpid c0 t0 c1 t1
	jpid=$(cat "$NEO4J_STATE_DIR/neo4j.pid")
	c0=$(cpu_ms "$jpid")
	t0=$(date +%s%N)
	curl -fsS -H 'Content-Type: application/json' -d "$query" "http://127.0.0.1:$PORT/query" >"$out.body"
	t1=$(date +%s%N)
	c1=$(cpu_ms "$jpid")
	local code=ok
	if grep -q '"errors"' "$out.body"; then
		code=$(grep -o '"code":"[A-Z_]*"' "$out.body" | head -1 | cut -d'"' -f4)
	fi
	# label, which query, wall ms, Neo4j CPU ms, ok or the first error's code
	printf '%s %s %.0f %.0f %s\n' "$1" "$3" "$(echo "($t1 - $t0) / 1000000" | bc -l)" "$(echo "$c1 - $c0" | bc -l)" "$code" | tee -a "$out"
}

for r in $(seq 1 "$ROUNDS"); do
	for label in A B; do
		bin=$1
		[ "$label" = B ] && bin=$2
		n4j stop
		n4j start
		uri=$(cat "$NEO4J_STATE_DIR/uri")
		NEO4J_URI=$uri NEO4J_USER=neo4j NEO4J_PASSWORD=${NEO4J_PASSWORD:-kepugraph-test} \
			"$bin" --addr "127.0.0.1:$PORT" --no-seed >"$out.$label.log" 2>&1 &
		pids+=($!)
		wait_up "http://127.0.0.1:$PORT/readyz"
		# Until the warm-up is done (a binary without one: WARM seconds).
		for _ in $(seq 1 "$WARM"); do
			grep -q "warm-up done\|warm-up .*failed" "$out.$label.log" && break
			sleep 1
		done
		echo "round $r $label ($bin)"
		ask "$label" "$bin" first
		ask "$label" "$bin" second
		grep -h "warm-up" "$out.$label.log" || true
		kill "${pids[-1]}"
		wait "${pids[-1]}" 2>/dev/null || true
	done
done
echo "medians of $ROUNDS rounds ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)): wall ms, Neo4j CPU ms"
for label in A B; do
	for which in first second; do
		w=$(awk -v l=$label -v q=$which '$1 == l && $2 == q { print $3 }' "$out" | median)
		c=$(awk -v l=$label -v q=$which '$1 == l && $2 == q { print $4 }' "$out" | median)
		f=$(awk -v l=$label -v q=$which '$1 == l && $2 == q && $5 != "ok"' "$out" | wc -l)
		echo "$label $which: wall $w ms, neo4j cpu $c ms, $f of $ROUNDS failed"
	done
done
