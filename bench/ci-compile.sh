#!/usr/bin/env bash
# bench/ci-compile.sh measures the CPU (user+sys of every process) of CI's Go
# compiles on a cold Go cache, in the two orders CI can start them:
#
#   old  make ci-checks (go vet ./..., staticcheck, the release build) beside
#        the compiles of the ci-neo4j and ci-rest test binaries, all at once
#        (CI until 2026-12-02 late afternoon: vet compiles every dependency
#        of the server with default.pgo, the tests with -pgo=off)
#   new  go vet -pgo=off ./... first (the dependencies of every test binary,
#        compiled once), then staticcheck and the release build beside the two
#        streams' compiles
#
# The test binaries are compiled and linked (go test -c), not run. Each
# round is a clean clone of HEAD with a new GOCACHE (the module cache is
# shared: CI's go mod download is not measured). Rounds alternate
# (old new new old ...); one line per round:
#   MODE user-s sys-s wall-s load-average-at-start
#
# Usage: nice -n 10 bash bench/ci-compile.sh [ROUNDS] [SCRATCH]
# (ROUNDS pairs, default 2; SCRATCH default /tmp/ci-compile).
set -euo pipefail
if [ "${1:-}" = "--one" ]; then
	one_mode=$2 scratch=$3
else
	rounds=${1:-2} scratch=${2:-/tmp/ci-compile}
fi
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$scratch"

staticcheck=(go run honnef.co/go/tools/cmd/staticcheck@v0.8.2)
neo4j_pkgs=(./neo4jstore ./graph ./dump ./seed)

one() {
	local mode=$1 dir=$scratch/clone
	rm -rf "$dir" "$scratch/gocache" "$scratch/bin"
	git clone -q "$repo" "$dir"
	mkdir -p "$scratch/gocache" "$scratch/bin/n" "$scratch/bin/r"
	local load
	load=$(cut -d' ' -f1-3 /proc/loadavg)
	(
		cd "$dir"
		export GOCACHE=$scratch/gocache GOFLAGS=-buildvcs=false
		module=$(go list -m)
		# ci-rest's packages: every package but the ci-neo4j ones (the
		# root package and embedded included, as ci-rest runs them).
		mapfile -t rest < <(go list ./... | grep -v -x -F -e "$module/neo4jstore" -e "$module/graph" -e "$module/dump" -e "$module/seed")
		# Every job is waited for by its PID: a failed compile fails the
		# round (a bare wait would return 0).
		tests() {
			go test -pgo=off -c -o "$scratch/bin/n/" "${neo4j_pkgs[@]}" >/dev/null &
			local n=$!
			go test -pgo=off -c -o "$scratch/bin/r/" "${rest[@]}" >/dev/null &
			local r=$!
			wait $n
			wait $r
		}
		case $mode in
		old)
			(go vet ./... && "${staticcheck[@]}" ./... && go build -o /dev/null .) &
			checks=$!
			tests
			wait $checks
			;;
		new)
			go vet -pgo=off ./...
			("${staticcheck[@]}" ./... && go build -o /dev/null .) &
			checks=$!
			tests
			wait $checks
			;;
		esac
	) >"$scratch/$mode.log" 2>&1 &
	wait $! || { echo "$mode failed: $scratch/$mode.log" >&2; exit 1; }
	echo "$load"
}

# /usr/bin/time counts every waited-for descendant (RUSAGE_CHILDREN).
if [ -n "${one_mode:-}" ]; then
	one "$one_mode"
	exit
fi
for ((i = 0; i < rounds; i++)); do
	if ((i % 2 == 0)); then order="old new"; else order="new old"; fi
	for mode in $order; do
		out=$(/usr/bin/time -f '%U %S %e' bash "$0" --one "$mode" "$scratch" 2>"$scratch/time" | tail -1)
		echo "$mode $(tail -1 "$scratch/time") $out"
	done
done
rm -rf "$scratch/clone" "$scratch/gocache" "$scratch/bin"
