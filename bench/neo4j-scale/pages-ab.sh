#!/usr/bin/env bash
# Issue 13's 1M table on Neo4j, a baseline build of bench/scale against
# this checkout's, in alternating runs on one Neo4j that already holds the
# benchmark graph (bench/neo4j-scale/load.py --keep, or a copy of a cached
# state directory started with tools/neo4j/neo4j.sh):
#
#   NEO4J_URI=bolt://127.0.0.1:23050 NEO4J_USER=neo4j NEO4J_PASSWORD=kepugraph-test \
#     NEO4J_PID=$(cat STATE/neo4j.pid) bash bench/neo4j-scale/pages-ab.sh
#
#   BASE (commit of the baseline, default 049cd77: main before the absent-value
#   markers), ROUNDS (default 2: old,
#   new, then new, old), SAMPLES (default 100), WORK (build directory,
#   default a new one under /tmp), NICE (default 0; on a shared machine 5),
#   ARGS (more flags of bench/scale, split on spaces, e.g. -rows shortest).
#
# The baseline is BASE's store (neo4jstore) with this checkout's
# bench/scale/main.go (the same rows and random cursors). Both binaries
# use the indexes the database has: run EnsureSchema first
# (TestProfileScale with KEPUGRAPH_PROFILE_ENSURE_SCHEMA=1, see
# docs/neo4j.md) when the two builds' schemas differ. Each run prints
# bench-scale's table (-server-pid: Neo4j's CPU per call beside the bench
# process's; -slowest 3: the slowest calls of each row and their cursors),
# preceded by the load average and followed by Neo4j's young and full
# collections during the run (jstat -gc: count and seconds), which a
# slow sample may have waited for. Needs go, git, jstat (the JDK's).
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${NEO4J_URI:?NEO4J_URI=bolt://... of the Neo4j with the graph}" "${NEO4J_PID:?NEO4J_PID=the Neo4j process ID}"
BASE=${BASE:-049cd77} ROUNDS=${ROUNDS:-2} SAMPLES=${SAMPLES:-100} NICE=${NICE:-0}
WORK=${WORK:-$(mktemp -d /tmp/kepugraph-pages-ab.XXXXXX)}

if [ ! -x "$WORK/old-scale" ]; then
	rm -rf "$WORK/old" && mkdir -p "$WORK/old"
	git archive "$BASE" | tar -x -C "$WORK/old"
	# The baseline's store with this checkout's harness (the same rows and
	# cursors; -slowest is newer than the baseline).
	cp bench/scale/main.go "$WORK/old/bench/scale/main.go"
	(cd "$WORK/old" && go build -o "$WORK/old-scale" ./bench/scale)
fi
go build -o "$WORK/new-scale" ./bench/scale

gc() { jstat -gc "$NEO4J_PID" | awk 'NR==2 { for (i = 1; i <= NF; i++) v[i] = $i } NR==1 { for (i = 1; i <= NF; i++) h[$i] = i } END { print v[h["YGC"]], v[h["YGCT"]], v[h["FGC"]], v[h["FGCT"]] }'; }
one() {
	local b=$1
	echo "### $b ($(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg))"
	read -r y0 yt0 f0 ft0 < <(gc)
	nice -n "$NICE" "$WORK/$b-scale" -store neo4j -samples "$SAMPLES" -server-pid "$NEO4J_PID" -slowest 3 ${ARGS:-}
	read -r y1 yt1 f1 ft1 < <(gc)
	echo
	echo "Neo4j collections during the run: young $((y1 - y0)) ($(echo "$yt1 - $yt0" | bc) s), full $((f1 - f0)) ($(echo "$ft1 - $ft0" | bc) s); load average after $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
}
for r in $(seq 1 "$ROUNDS"); do
	if [ $((r % 2)) = 1 ]; then one old; one new; else one new; one old; fi
done
