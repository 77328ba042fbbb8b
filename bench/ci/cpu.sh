#!/usr/bin/env bash
# cpu.sh LABEL COMMAND...: runs COMMAND (a test binary, go test, ...) and
# prints one line: LABEL, the wall time, the CPU (user+sys) of COMMAND and
# its waited-for children (servers a test starts itself included), the CPU
# of the shared Neo4j server (the java process of NEO4J_PID, from
# /proc/<pid>/stat, before and after) and the load average before and
# after. The CI time of the Neo4j tests is mostly that server's CPU (docs/neo4j.md,
# "CI time (2026-12-02, early afternoon)"). Pair runs: old, new, new, old.
#   NEO4J_PID=$(cat $NEO4J_STATE_DIR/neo4j.pid) bench/ci/cpu.sh base ./seed.test -test.run TestMainLoadsTwice
set -euo pipefail
label=$1
shift
tick=$(getconf CLK_TCK)
jvm() { # utime+stime of NEO4J_PID in seconds (0 without one)
	if [ -n "${NEO4J_PID:-}" ] && [ -r "/proc/$NEO4J_PID/stat" ]; then
		awk -v t="$tick" '{ sub(/^.*\) /, ""); printf "%.1f", ($12 + $13) / t }' "/proc/$NEO4J_PID/stat"
	else
		echo 0
	fi
}
load0=$(cut -d' ' -f1 /proc/loadavg)
j0=$(jvm)
out=$(mktemp)
rc=0
/usr/bin/time -f '%e %U %S' -o "$out" "$@" || rc=$?
j1=$(jvm)
load1=$(cut -d' ' -f1 /proc/loadavg)
read -r wall user sys <"$out"
rm -f "$out"
awk -v l="$label" -v w="$wall" -v u="$user" -v s="$sys" -v j0="$j0" -v j1="$j1" -v a="$load0" -v b="$load1" -v rc="$rc" \
	'BEGIN { printf "%-12s wall %7.1f s  test cpu %7.1f s  neo4j cpu %7.1f s  total %7.1f s  load %s-%s  exit %s\n", l, w, u + s, j1 - j0, u + s + j1 - j0, a, b, rc }'
exit $rc
