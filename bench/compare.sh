#!/usr/bin/env bash
# Before and after: query 1 (bench/queries/museum.json) against the server
# built from a git revision (BASE, default main) and from the working tree,
# both running at once on their own data directories, in ROUNDS alternating
# rounds (the order flips every round) with the wrk settings of load.sh.
# For each round it prints the requests per second of both and the server's
# CPU time per request (utime + stime from /proc, in microseconds), then the
# medians. On a shared machine the CPU time per request drifts much less
# than the requests per second, which depend on what else runs.
#
#   bash bench/compare.sh                 # main against the working tree
#   BASE=HEAD~3 ROUNDS=15 bash bench/compare.sh
#
# Needs: go, git, wrk (apt-get install -y wrk), curl; Linux (/proc).
set -euo pipefail
cd "$(dirname "$0")/.."

BASE=${BASE:-main}
DURATION=${DURATION:-5s}
WARMUP=${WARMUP:-3s}
ROUNDS=${ROUNDS:-9}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
BASE_ADDR=${BASE_ADDR:-127.0.0.1:18082}
HEAD_ADDR=${HEAD_ADDR:-127.0.0.1:18083}
WORK=${WORK:-$(mktemp -d /tmp/kepugraph-compare.XXXXXX)}

SCRIPT=compare.sh
. bench/lib.sh
need_tools go git wrk curl

echo "== build $BASE and the working tree (release, with their default.pgo)"
mkdir -p "$WORK/src"
git archive "$BASE" | tar -x -C "$WORK/src"
(cd "$WORK/src" && go build -trimpath -ldflags='-s -w' -o "$WORK/base" .)
go build -trimpath -ldflags='-s -w' -o "$WORK/head" .

declare -A pid addr=([base]=$BASE_ADDR [head]=$HEAD_ADDR)
for v in base head; do
	echo "== start $v on ${addr[$v]} (the first start loads the reference dataset)"
	"$WORK/$v" --addr "${addr[$v]}" --data-dir "$WORK/$v-data" --log-level warn &
	p=$!
	wait_up "http://${addr[$v]}/healthz"
	kill "$p"; wait "$p" 2>/dev/null || true
	"$WORK/$v" --addr "${addr[$v]}" --data-dir "$WORK/$v-data" --log-level info --rate-limit 0 2>"$WORK/$v.log" &
	pids+=($!)
	pid[$v]=$!
	wait_up "http://${addr[$v]}/healthz"
done

query() { curl -fsS -H 'Content-Type: application/json' --data-binary @bench/queries/museum.json "http://$1/query"; }
if ! cmp -s <(query "$BASE_ADDR") <(query "$HEAD_ADDR"); then
	echo "compare.sh: the two servers answer query 1 differently" >&2
	exit 1
fi

for v in base head; do
	BODY_FILE=bench/queries/museum.json wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s bench/post.lua "http://${addr[$v]}/query" >/dev/null
done

cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # utime + stime, in clock ticks
ticks=$(getconf CLK_TCK)
run() { # name version: prints requests/s and CPU microseconds per request
	local c0 c1
	c0=$(cpu "${pid[$2]}")
	BODY_FILE=bench/queries/museum.json wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s bench/post.lua "http://${addr[$2]}/query" >"$WORK/$1.txt"
	c1=$(cpu "${pid[$2]}")
	if grep -q 'Non-2xx' "$WORK/$1.txt"; then
		echo "compare.sh: $1 had non-2xx responses" >&2
		exit 1
	fi
	awk -v d=$((c1 - c0)) -v hz="$ticks" '/^Requests\/sec:/ { r = $2 } / requests in / { n = $1 } END { printf "%s %.1f\n", r, d * 1e6 / hz / n }' "$WORK/$1.txt"
}

echo "== load: $ROUNDS rounds of $DURATION each, wrk -t$THREADS -c$CONNECTIONS"
printf '%-6s %12s %12s %8s %12s %12s %8s\n' round "$BASE req/s" "head req/s" ratio "$BASE us/req" "head us/req" ratio
: >"$WORK/rounds.txt"
for i in $(seq 1 "$ROUNDS"); do
	if ((i % 2)); then
		read -r b bc <<<"$(run "base-$i" base)"
		read -r h hc <<<"$(run "head-$i" head)"
	else
		read -r h hc <<<"$(run "head-$i" head)"
		read -r b bc <<<"$(run "base-$i" base)"
	fi
	awk -v i="$i" -v b="$b" -v h="$h" -v bc="$bc" -v hc="$hc" \
		'BEGIN { printf "%-6s %12s %12s %8.3f %12s %12s %8.3f\n", i, b, h, h / b, bc, hc, hc / bc }' | tee -a "$WORK/rounds.txt"
done

col() { awk -v c="$1" '{ print $c }' "$WORK/rounds.txt" | median; }
echo
echo "== medians of $ROUNDS rounds ($(nproc) cores)"
printf '%-28s %12s %12s %8s\n' "" "$BASE" "head" ratio
printf '%-28s %12s %12s %8s\n' "query 1, requests/s" "$(col 2)" "$(col 3)" "$(col 4)"
printf '%-28s %12s %12s %8s\n' "server CPU per request (us)" "$(col 5)" "$(col 6)" "$(col 7)"
