#!/usr/bin/env bash
# Whole-graph exports through the server: builds the working tree, starts it
# on DATA_DIR (an embedded store, e.g. from `go run ./seed --scale 100000
# --no-sync --data-dir DIR`) with the server's defaults, then downloads
# GET /export/{format} for each of FORMATS, ROUNDS times, to /dev/null. For
# each download it prints the seconds, the bytes, elements per second
# (ELEMENTS: the nodes + edges of the graph, which `go run ./seed` prints),
# the server's CPU time (utime + stime from /proc) per element in
# microseconds, and the growth of the server's resident set: its VmRSS
# sampled every 0.1 s during the download, the largest sample minus the
# one before the download.
#
#   DATA_DIR=/tmp/data100k ELEMENTS=566962 bash bench/export.sh
#
# Needs: go, curl; Linux (/proc).
set -euo pipefail
cd "$(dirname "$0")/.."

DATA_DIR=${DATA_DIR:?DATA_DIR names the data directory to export}
ELEMENTS=${ELEMENTS:?ELEMENTS is the number of nodes + edges of the graph}
FORMATS=${FORMATS:-graphml gexf cytoscape graphology csv jsonl}
ROUNDS=${ROUNDS:-1}
ADDR=${ADDR:-127.0.0.1:18090}
WORK=${WORK:-$(mktemp -d /tmp/kepugraph-export.XXXXXX)}

SCRIPT=export.sh
. bench/lib.sh
need_tools go curl

go build -o "$WORK/kepugraph" .
"$WORK/kepugraph" --addr "$ADDR" --data-dir "$DATA_DIR" --export-timeout 1h >"$WORK/server.log" 2>&1 &
pid=$!
pids+=("$pid")
wait_up "http://$ADDR/healthz"

rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"; } # kB
cpu() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }      # clock ticks
hz=$(getconf CLK_TCK)

printf '%-11s %9s %12s %12s %14s %16s\n' format seconds bytes elements/s CPU-µs/element RSS-growth-MB
for _ in $(seq 1 "$ROUNDS"); do
	for f in $FORMATS; do
		rss0=$(rss)
		cpu0=$(cpu)
		: >"$WORK/rss"
		(while :; do rss >>"$WORK/rss"; sleep 0.1; done) &
		sampler=$!
		read -r secs bytes < <(curl -fsS -o /dev/null -w '%{time_total} %{size_download}\n' "http://$ADDR/export/$f")
		kill "$sampler"
		wait "$sampler" 2>/dev/null || true
		cpu1=$(cpu)
		peak=$(sort -n "$WORK/rss" | tail -1)
		awk -v f="$f" -v s="$secs" -v b="$bytes" -v n="$ELEMENTS" -v c="$((cpu1 - cpu0))" -v hz="$hz" -v r0="$rss0" -v p="${peak:-$rss0}" \
			'BEGIN { printf "%-11s %9.2f %12d %12.0f %14.2f %16.1f\n", f, s, b, n / s, c / hz * 1e6 / n, (p - r0) / 1024 }'
	done
done
