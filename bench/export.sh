#!/usr/bin/env bash
# Whole-graph exports through the server: starts a server on DATA_DIR (an
# embedded store, e.g. from `go run ./seed --scale 100000 --no-sync
# --data-dir DIR` or `bench-scale -build`) with the server's defaults (GC
# settings included), then downloads GET /export/{format} for each of
# FORMATS to /dev/null, and stops it. For each download it prints:
#
#   seconds      wall time of the download (curl's time_total)
#   bytes        size of the file
#   el/s         elements per second of wall time (ELEMENTS: the nodes +
#                edges of the graph, which `go run ./seed` prints)
#   el/CPU-s     elements per second of the server's CPU time (utime +
#                stime from /proc/PID/stat, the collector included)
#   RSS0         the server's VmRSS (/proc/PID/status) before the download, MB
#   peak         the largest VmRSS sampled every 0.1 s during it, MB
#   growth       peak - RSS0, MB
#   after        VmRSS after the download, MB
#   HWM          VmHWM after it (the process's peak resident set so far), MB
#   sha256       with HASH=1, the first 16 hex digits of the file's SHA-256
#                (the same graph gives the same bytes, except the zip's
#                timestamps), else nothing
#
# BINS lists the servers to compare, as name=path of a built binary (default:
# the working tree, built into WORK): with more than one, each round starts
# them in turn (one at a time, so one graph is in memory), which alternates
# them; ROUNDS rounds. Each server's first download starts once it is idle
# (see below), plus SETTLE seconds; a comment line says when that was.
#
#   DATA_DIR=/tmp/data100k ELEMENTS=566962 bash bench/export.sh
#   DATA_DIR=c1m ELEMENTS=6056962 BINS="before=/tmp/kg-before after=/tmp/kg-after" ROUNDS=2 bash bench/export.sh
#
# Needs: go (without BINS), curl; Linux (/proc).
set -euo pipefail
cd "$(dirname "$0")/.."

DATA_DIR=${DATA_DIR:?DATA_DIR names the data directory to export}
ELEMENTS=${ELEMENTS:?ELEMENTS is the number of nodes + edges of the graph}
FORMATS=${FORMATS:-graphml gexf cytoscape graphology csv jsonl}
ROUNDS=${ROUNDS:-1}
ADDR=${ADDR:-127.0.0.1:18090}
SETTLE=${SETTLE:-2}
WORK=${WORK:-$(mktemp -d /tmp/kepugraph-export.XXXXXX)}

SCRIPT=export.sh
. bench/lib.sh
need_tools curl

if [ -z "${BINS:-}" ]; then
	need_tools go
	go build -o "$WORK/kepugraph" .
	BINS="tree=$WORK/kepugraph"
fi

hz=$(getconf CLK_TCK)

printf '%-8s %-11s %8s %11s %8s %9s %6s %6s %7s %6s %6s %s\n' \
	server format seconds bytes el/s el/CPU-s RSS0 peak growth after HWM sha256
for _ in $(seq 1 "$ROUNDS"); do
	for b in $BINS; do
		name=${b%%=*}
		bin=${b#*=}
		"$bin" --addr "$ADDR" --data-dir "$DATA_DIR" --export-timeout 1h >>"$WORK/server-$name.log" 2>&1 &
		pid=$!
		pids+=("$pid")
		wait_up "http://$ADDR/healthz"
		rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"; } # kB
		hwm() { awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status"; } # kB
		cpu() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }      # clock ticks
		# Wait until the server is idle (less than 5% of a core over 2 s):
		# what it does after it answers /healthz (the analyzer's
		# background read of the adjacency, analysis.Analyzer.StartWarm)
		# would count as the first export's CPU and memory.
		up=$(date +%s)
		for _ in $(seq 1 300); do
			c0=$(cpu)
			sleep 2
			[ $(($(cpu) - c0)) -lt $((hz / 10)) ] && break
		done
		sleep "$SETTLE"
		printf '# %s: idle %d s after /healthz, CPU %.1f s since its start, VmRSS %d MB, VmHWM %d MB\n' \
			"$name" $(($(date +%s) - up)) "$(awk -v c="$(cpu)" -v hz="$hz" 'BEGIN { print c / hz }')" $(($(rss) / 1024)) $(($(hwm) / 1024))
		for f in $FORMATS; do
			rss0=$(rss)
			cpu0=$(cpu)
			: >"$WORK/rss"
			(while :; do rss >>"$WORK/rss"; sleep 0.1; done) &
			sampler=$!
			if [ -n "${HASH:-}" ]; then
				curl -fsS -w '%{time_total} %{size_download}\n' -o >(sha256sum | cut -c1-16 >"$WORK/hash") "http://$ADDR/export/$f" >"$WORK/curl"
				read -r secs bytes <"$WORK/curl"
			else
				read -r secs bytes < <(curl -fsS -o /dev/null -w '%{time_total} %{size_download}\n' "http://$ADDR/export/$f")
			fi
			kill "$sampler"
			wait "$sampler" 2>/dev/null || true
			cpu1=$(cpu)
			peak=$(sort -n "$WORK/rss" | tail -1)
			peak=${peak:-$rss0}
			sleep 0.2 # the hash's process substitution finishes
			awk -v srv="$name" -v f="$f" -v s="$secs" -v b="$bytes" -v n="$ELEMENTS" -v c="$((cpu1 - cpu0))" -v hz="$hz" \
				-v r0="$rss0" -v p="$peak" -v r1="$(rss)" -v h="$(hwm)" -v hash="$([ -n "${HASH:-}" ] && cat "$WORK/hash")" \
				'BEGIN { printf "%-8s %-11s %8.2f %11.0f %8.0f %9.0f %6.0f %6.0f %7.1f %6.0f %6.0f %s\n",
					srv, f, s, b, n / s, (c > 0 ? n / (c / hz) : 0), r0 / 1024, p / 1024, (p - r0) / 1024, r1 / 1024, h / 1024, hash }'
		done
		kill "$pid"
		wait "$pid" 2>/dev/null || true
	done
done
