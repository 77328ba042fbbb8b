#!/usr/bin/env bash
# Profile-guided optimization: writes default.pgo, the CPU profile that
# `go build` (and `go run .`, `go test`) of the main package use
# automatically (-pgo=auto). The profile is taken from the release server
# under a mixed load on the reference dataset: point lookups
# (bench/queries/museum.json, 8 connections) and nested traversals
# (bench/queries/nested.json, 4 connections) at the same time, for
# DURATION (default 20s).
#
#   bash bench/pgo.sh        # or: make pgo
#
# Regenerate it after large changes to the request path; a stale profile
# only makes the optimization less effective, never wrong.
# Needs: go, wrk (apt-get install -y wrk), curl.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-20}
ADDR=${ADDR:-127.0.0.1:18090}
DEBUG_ADDR=${DEBUG_ADDR:-127.0.0.1:16090}
WORK=$(mktemp -d /tmp/kepugraph-pgo.XXXXXX)
for tool in go wrk curl; do
	command -v "$tool" >/dev/null || { echo "pgo.sh: $tool is missing (wrk: apt-get install -y wrk)" >&2; exit 1; }
done

# Build without the current profile, so that it does not feed on itself.
go build -pgo=off -trimpath -o "$WORK/kepugraph" .
"$WORK/kepugraph" --addr "$ADDR" --data-dir "$WORK/data" --rate-limit 0 --log-level warn --debug-addr "$DEBUG_ADDR" &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
	curl -fsS -o /dev/null "http://$ADDR/healthz" 2>/dev/null && break
	sleep 0.5
done

curl -fsS -o "$WORK/cpu.pgo" "http://$DEBUG_ADDR/debug/pprof/profile?seconds=$DURATION" &
prof=$!
BODY_FILE=bench/queries/museum.json wrk -t1 -c8 -d"${DURATION}s" -s bench/post.lua "http://$ADDR/query" >/dev/null &
BODY_FILE=bench/queries/nested.json wrk -t1 -c4 -d"${DURATION}s" -s bench/post.lua "http://$ADDR/query" >/dev/null
wait $prof
mv "$WORK/cpu.pgo" default.pgo
echo "pgo.sh: wrote default.pgo ($(wc -c <default.pgo) bytes)"
