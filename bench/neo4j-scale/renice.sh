#!/usr/bin/env bash
# renice.sh PID NICE [PATTERN]: sets the nice value of the threads of
# process PID whose name (/proc/PID/task/*/comm, 15 characters) matches the
# extended regular expression PATTERN (default: the JVM's compiler threads
# and Neo4j's full-text index updater, the background work a rename queues:
# docs/neo4j.md, "The rename's and the load's search keys (2026-12-03,
# n4tail12)"), and prints how many it set. Threads started later keep the
# process's value: run it after a warm-up. Lowering a nice value needs
# root (or CAP_SYS_NICE).
set -euo pipefail
pid=${1:?PID}
nice=${2:?NICE}
pat=${3:-'^(C[12] CompilerThre|neo4j\.IndexUpda)'}
[ -d "/proc/$pid/task" ] || { echo "renice.sh: no process $pid" >&2; exit 1; }
n=0
for t in /proc/"$pid"/task/*; do
	c=$(cat "$t/comm" 2>/dev/null) || continue # the thread ended
	if [[ $c =~ $pat ]]; then
		renice -n "$nice" -p "${t##*/}" >/dev/null
		n=$((n + 1))
	fi
done
echo "renice.sh: $n threads of $pid matching '$pat' at nice $nice"
