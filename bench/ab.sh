#!/usr/bin/env bash
# A/B load benchmark of two server binaries (say, one built from main and
# one from a branch) on the same data, in alternating rounds:
#
#   OLD=/tmp/kepugraph-main NEW=/tmp/kepugraph-branch bash bench/ab.sh
#   ROUNDS=9 DURATION=5s QUERIES="nested museum" ... bash bench/ab.sh
#
# Both servers run at once (ports OLD_PORT, NEW_PORT), each on its own copy
# of one data directory (the first start loads the reference dataset),
# with the settings of bench/load.sh (access log at info, rate limit off).
# The script checks that both give the same response to each query, warms
# both up, then runs each query in ROUNDS rounds with wrk -t2 -c16, old
# then new in odd rounds and new then old in even ones. For every run it
# records requests/s and the server's CPU time per request (user + system
# from /proc/PID/stat over the run, divided by the requests wrk counted):
# on a shared machine the first swings with the other load, the second
# much less. It prints every round and the medians, of the figures and of
# the per-round ratios new/old.
# Needs: wrk, curl, /proc.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${OLD:?OLD=path of the old binary}" "${NEW:?NEW=path of the new binary}"
OLD_PORT=${OLD_PORT:-27311} NEW_PORT=${NEW_PORT:-27312}
ROUNDS=${ROUNDS:-7} DURATION=${DURATION:-5s} WARMUP=${WARMUP:-3s}
QUERIES=${QUERIES:-nested museum}
WORK=${WORK:-$(mktemp -d /tmp/kepugraph-ab.XXXXXX)}

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
wait_up() {
	for _ in $(seq 1 600); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.5; done
	echo "ab.sh: $1 did not come up" >&2
	exit 1
}

if [ ! -d "$WORK/data-old" ]; then
	"$OLD" --addr "127.0.0.1:$OLD_PORT" --data-dir "$WORK/data-old" --log-level warn &
	pids+=($!)
	wait_up "http://127.0.0.1:$OLD_PORT/healthz"
	kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true; unset 'pids[-1]'
	cp -a "$WORK/data-old" "$WORK/data-new"
fi
"$OLD" --addr "127.0.0.1:$OLD_PORT" --data-dir "$WORK/data-old" --log-level info --rate-limit 0 2>"$WORK/old.log" &
pids+=($!); old_pid=$!
"$NEW" --addr "127.0.0.1:$NEW_PORT" --data-dir "$WORK/data-new" --log-level info --rate-limit 0 2>"$WORK/new.log" &
pids+=($!); new_pid=$!
wait_up "http://127.0.0.1:$OLD_PORT/healthz"
wait_up "http://127.0.0.1:$NEW_PORT/healthz"

answer() { curl -fsS -H 'Content-Type: application/json' --data-binary "@bench/queries/$2.json" "http://127.0.0.1:$1/query" | sed 's/,"extensions".*//'; }
for q in $QUERIES; do
	a=$(answer "$OLD_PORT" "$q")
	[ "$a" == "$(answer "$NEW_PORT" "$q")" ] || { echo "ab.sh: $q: the responses differ" >&2; exit 1; }
	[[ $a != *'"errors"'* ]] || { echo "ab.sh: $q: errors: ${a:0:300}" >&2; exit 1; }
	echo "$q.json: the same ${#a} bytes from both"
done
for p in "$OLD_PORT" "$NEW_PORT"; do
	for q in $QUERIES; do
		BODY_FILE="bench/queries/$q.json" wrk -t2 -c16 -d"$WARMUP" -s bench/post.lua "http://127.0.0.1:$p/query" >/dev/null
	done
done

cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# run port query pid: prints requests/s and CPU milliseconds per request.
run() {
	local c0 c1
	c0=$(cpu "$3")
	BODY_FILE="bench/queries/$2.json" wrk -t2 -c16 -d"$DURATION" --latency -s bench/post.lua "http://127.0.0.1:$1/query" >"$WORK/wrk.txt"
	c1=$(cpu "$3")
	if grep -q Non-2xx "$WORK/wrk.txt"; then echo "ab.sh: non-2xx responses" >&2; exit 1; fi
	awk -v c="$((c1 - c0))" -v hz="$(getconf CLK_TCK)" '/^Requests\/sec:/ { r = $2 } / requests in / { n = $1 } END { printf "%s %.3f\n", r, 1000 * c / hz / n }' "$WORK/wrk.txt"
}

echo "round query old-req/s old-cpu-ms/req new-req/s new-cpu-ms/req"
: >"$WORK/rounds.txt"
for i in $(seq 1 "$ROUNDS"); do
	for q in $QUERIES; do
		if ((i % 2)); then
			o=$(run "$OLD_PORT" "$q" "$old_pid"); n=$(run "$NEW_PORT" "$q" "$new_pid")
		else
			n=$(run "$NEW_PORT" "$q" "$new_pid"); o=$(run "$OLD_PORT" "$q" "$old_pid")
		fi
		echo "$i $q $o $n" | tee -a "$WORK/rounds.txt"
	done
done

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -v q="$1" "\$2 == q { print $2 }" "$WORK/rounds.txt" | median; }
echo
echo "medians of $ROUNDS rounds ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)):"
for q in $QUERIES; do
	printf '%s: req/s old %s new %s (ratio %s); CPU ms/request old %s new %s (ratio %s)\n' "$q" \
		"$(col "$q" '$3')" "$(col "$q" '$5')" "$(col "$q" '$5 / $3')" \
		"$(col "$q" '$4')" "$(col "$q" '$6')" "$(col "$q" '$6 / $4')"
done
