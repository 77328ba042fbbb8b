#!/usr/bin/env bash
# neo4j.sh start|stop|status|uri: Neo4j Community in the background for the
# tests (see README.md here). Everything it writes is under NEO4J_STATE_DIR
# (default .neo4j in the repository root, ignored by git):
#   home/      the server's data, transaction logs and debug.log
#   neo4j.log  its standard output and error
#   neo4j.pid  the java process
#   uri        the Bolt URI, written once the server is ready
# Settings: NEO4J_PASSWORD (default kepugraph-test), NEO4J_HEAP (1g),
# NEO4J_PAGECACHE (512m), KEPUGRAPH_NEO4J_PORT (0: a free port),
# NEO4J_START_TIMEOUT (seconds, 600), NEO4J_JAVA_OPTS (more JVM options,
# split on spaces), KEPUGRAPH_NEO4J_PLANS (default, or keep: the query plan
# cache the tests want, see Server.java), KEPUGRAPH_NEO4J_CONF (a file of
# more Neo4j settings, neo4j.conf syntax).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tool="$root/tools/neo4j"
state=${NEO4J_STATE_DIR:-$root/.neo4j}
mkdir -p "$state"
state=$(cd "$state" && pwd)
pidfile="$state/neo4j.pid"
urifile="$state/uri"
logfile="$state/neo4j.log"

running() {
	[ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

build() {
	# Compile once; again when the pom or the source changed.
	local cp="$tool/target/classpath.txt" cls="$tool/target/classes/kepugraph/neo4j/Server.class"
	if [ ! -f "$cp" ] || [ ! -f "$cls" ] || [ "$tool/pom.xml" -nt "$cp" ] || [ "$tool/src/main/java/kepugraph/neo4j/Server.java" -nt "$cls" ]; then
		# Batch mode, no download progress; Maven 3.8 still writes colour
		# resets (ESC[0m) in batch mode: strip them from the log.
		(cd "$tool" && mvn -B -q --no-transfer-progress compile 2>&1 | sed 's/\x1b\[[0-9;]*m//g')
	fi
}

start() {
	if running; then
		echo "neo4j already running (pid $(cat "$pidfile")): $(cat "$urifile" 2>/dev/null)"
		return 0
	fi
	build
	rm -f "$urifile" "$pidfile"
	: >"$logfile"
	# setsid: its own process group, so a Ctrl-C of make does not reach it.
	# -UseDynamicNumberOfCompilerThreads: the JIT's threads live as long as
	# the JVM, so their CPU time stays readable in /proc (bench/neo4j-scale/load.py).
	# shellcheck disable=SC2086
	setsid java -Xms${NEO4J_HEAP:-1g} -Xmx${NEO4J_HEAP:-1g} -XX:+ExitOnOutOfMemoryError \
		-XX:-UseDynamicNumberOfCompilerThreads ${NEO4J_JAVA_OPTS:-} \
		-cp "$tool/target/classes:$(cat "$tool/target/classpath.txt")" \
		-Dhome="$state/home" -DuriFile="$urifile" \
		-Dpassword="${NEO4J_PASSWORD:-kepugraph-test}" \
		-Dpagecache="${NEO4J_PAGECACHE:-512m}" \
		-Dport="${KEPUGRAPH_NEO4J_PORT:-0}" \
		-Dplans="${KEPUGRAPH_NEO4J_PLANS:-default}" \
		-Dconf="${KEPUGRAPH_NEO4J_CONF:-}" \
		kepugraph.neo4j.Server >>"$logfile" 2>&1 </dev/null &
	echo $! >"$pidfile"
	local deadline=$((SECONDS + ${NEO4J_START_TIMEOUT:-600}))
	until [ -s "$urifile" ]; do
		if ! running; then
			echo "neo4j failed to start; $logfile:" >&2
			tail -n 40 "$logfile" >&2
			rm -f "$pidfile"
			return 1
		fi
		if [ $SECONDS -ge $deadline ]; then
			# A thread dump (the JVM prints it on SIGQUIT) says where it hangs.
			kill -QUIT "$(cat "$pidfile")" 2>/dev/null || true
			sleep 2
			echo "neo4j not ready after ${NEO4J_START_TIMEOUT:-600}s; stopping it. $logfile, with a thread dump:" >&2
			tail -n 200 "$logfile" >&2
			stop
			return 1
		fi
		sleep 0.5
	done
	echo "neo4j running (pid $(cat "$pidfile")): $(cat "$urifile")"
}

stop() {
	if ! running; then
		rm -f "$pidfile" "$urifile"
		echo "neo4j not running"
		return 0
	fi
	local pid
	pid=$(cat "$pidfile")
	kill -TERM "$pid"
	for _ in $(seq 1 120); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.5
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "neo4j (pid $pid) did not stop within 60s of SIGTERM; killing it" >&2
		kill -KILL "$pid"
	fi
	rm -f "$pidfile" "$urifile"
	echo "neo4j stopped"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
status) if running; then echo "running (pid $(cat "$pidfile")): $(cat "$urifile")"; else echo "not running"; exit 1; fi ;;
uri)
	if ! running || [ ! -s "$urifile" ]; then
		echo "neo4j is not running with NEO4J_STATE_DIR=$state: start it with make neo4j (and the same NEO4J_STATE_DIR)" >&2
		exit 1
	fi
	cat "$urifile" ;;
build) build ;;
*) echo "usage: $0 start|stop|status|uri|build" >&2; exit 2 ;;
esac
