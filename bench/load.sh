#!/usr/bin/env bash
# Load benchmark: the real server against a bare net/http baseline that
# returns the same bytes, with the same wrk settings, on loopback.
#
#   bash bench/load.sh                      # defaults below
#   DURATION=20s ROUNDS=3 CONNECTIONS=32 bash bench/load.sh
#
# Queries (bench/queries/*.json):
#   museum.json  one museum by ID with its province (also run against bare)
#   nested.json  50 museums x 20 school partners x each school's county
# After an unmeasured warm-up of both servers (WARMUP each), museum.json
# runs in ROUNDS rounds, each bare then real (DURATION each), so
# that both see the same state of the machine; the script prints every
# round's requests/s and ratio real/bare, and their medians. Shared
# (virtual) machines drift by 10-20% from minute to minute: one pair of runs
# minutes apart would measure the drift as much as the servers.
# Needs: go, wrk (apt-get install -y wrk), curl.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-5s}
WARMUP=${WARMUP:-3s}
ROUNDS=${ROUNDS:-7}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
REAL_ADDR=${REAL_ADDR:-127.0.0.1:18080}
BARE_ADDR=${BARE_ADDR:-127.0.0.1:18081}
LOG_LEVEL=${LOG_LEVEL:-info}
WORK=${WORK:-$(mktemp -d /tmp/kepugraph-bench.XXXXXX)}
DATA_DIR=${DATA_DIR:-$WORK/data}

SCRIPT=load.sh
. bench/lib.sh
need_tools go wrk curl

echo "== build (release)"
go build -trimpath -ldflags='-s -w' -o "$WORK/kepugraph" .
go build -trimpath -ldflags='-s -w' -o "$WORK/bare" ./bench/bare

echo "== prepare the data directory ($DATA_DIR)"
# The first start on an empty directory loads the reference dataset before
# it listens; later starts open it as it is.
"$WORK/kepugraph" --addr "$REAL_ADDR" --data-dir "$DATA_DIR" --log-level warn &
pids+=($!)
wait_up "http://$REAL_ADDR/healthz"
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
unset 'pids[-1]'

echo "== start the real server (log level $LOG_LEVEL, logs to $WORK/server.log)"
# The per-client rate limit is off: wrk sends every request from one address.
"$WORK/kepugraph" --addr "$REAL_ADDR" --data-dir "$DATA_DIR" --log-level "$LOG_LEVEL" --rate-limit 0 2>"$WORK/server.log" &
pids+=($!)
wait_up "http://$REAL_ADDR/healthz"

for q in museum nested; do
	out=$(curl -fsS -H 'Content-Type: application/json' --data-binary "@bench/queries/$q.json" "http://$REAL_ADDR/query")
	if [[ $out == *'"errors"'* ]]; then
		echo "load.sh: $q.json returned errors: ${out:0:500}" >&2
		exit 1
	fi
	echo "$q.json: ${#out} bytes of response"
done

echo "== start the bare baseline"
"$WORK/bare" -addr "$BARE_ADDR" -upstream "http://$REAL_ADDR/query" -request bench/queries/museum.json 2>"$WORK/bare.log" &
pids+=($!)
wait_up "http://$BARE_ADDR/"

run() { # name url body-file
	echo "-- $1: wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
	BODY_FILE="$3" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/post.lua "$2" | tee "$WORK/$1.txt"
	rps=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/$1.txt")
	if grep -q 'Non-2xx' "$WORK/$1.txt"; then
		echo "load.sh: $1 had non-2xx responses" >&2
		exit 1
	fi
	printf '%s\n' "$rps" >"$WORK/$1.rps"
}

# Both servers first take WARMUP of load, unmeasured: a fresh process
# grows its heap, faults its memory in and settles its GC pacing in the
# first seconds, which would otherwise weigh on the first round only.
echo "== warm-up ($WARMUP each)"
for url in "http://$BARE_ADDR/" "http://$REAL_ADDR/query"; do
	BODY_FILE=bench/queries/museum.json wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s bench/post.lua "$url" >/dev/null
done

echo "== load"
for i in $(seq 1 "$ROUNDS"); do
	run "bare-museum-$i" "http://$BARE_ADDR/" bench/queries/museum.json
	run "real-museum-$i" "http://$REAL_ADDR/query" bench/queries/museum.json
done
run real-nested "http://$REAL_ADDR/query" bench/queries/nested.json

echo
echo "== results ($(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
printf '%-6s %14s %14s %8s\n' "round" "bare req/s" "real req/s" "ratio"
: >"$WORK/rounds.txt" # this run's rounds only, when WORK is reused
for i in $(seq 1 "$ROUNDS"); do
	b=$(cat "$WORK/bare-museum-$i.rps")
	r=$(cat "$WORK/real-museum-$i.rps")
	awk -v i="$i" -v r="$r" -v b="$b" 'BEGIN { printf "%-6s %14s %14s %8.2f\n", i, b, r, r / b }' | tee -a "$WORK/rounds.txt"
done
bare=$(awk '{ print $2 }' "$WORK/rounds.txt" | median)
real=$(awk '{ print $3 }' "$WORK/rounds.txt" | median)
ratio=$(awk '{ print $4 }' "$WORK/rounds.txt" | median)
nested=$(cat "$WORK/real-nested.rps")
echo
printf '%-40s %12s\n' "query (median of $ROUNDS rounds)" "requests/s"
printf '%-40s %12s\n' "museum by ID + province (bare)" "$bare"
printf '%-40s %12s\n' "museum by ID + province (kepugraph)" "$real"
printf '%-40s %12s\n' "50 museums x 20 schools x county" "$nested"
echo "ratio real/bare (museum), median of the rounds: $ratio (target >= 0.5)"
