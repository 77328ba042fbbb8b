#!/usr/bin/env bash
# Side-by-side benchmark of kepugraph on Neo4j, kepugraph embedded and
# @neo4j/graphql 7 over the same Neo4j and the same data (see README.md).
# Everything listens on loopback:
#   NEO4J_PORT (PORT_BASE+4)  Neo4j from tools/neo4j, own state directory
#   PORT_BASE (18190) kepugraph on Neo4j, +1 kepugraph embedded, +2 @neo4j/graphql
#
#   bash bench/peers/neo4j-graphql/run.sh          # or: make bench-neo4j-peer
#   ROUNDS=7 QUERIES="museum" bash bench/peers/neo4j-graphql/run.sh
#   NEO4J_URI=bolt://... NEO4J_PASSWORD=... bash run.sh   # an existing server (its database is reseeded)
#   BASELINE_BIN=/tmp/kepugraph-old bash run.sh   # also an older kepugraph build on Neo4j (PORT_BASE+3), in the same rounds
#   SKIP_LOAD=1 bash run.sh   # only the CPU time per request (cpu.py; with the script's own Neo4j)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
WORK=${WORK:-$REPO/.neo4j-peer}         # binaries, embedded data, Neo4j state, logs, results
OUTDIR=${OUTDIR:-$WORK/results-$(date -u +%Y%m%dT%H%M%SZ)}
export NEO4J_USER=${NEO4J_USER:-neo4j} NEO4J_PASSWORD=${NEO4J_PASSWORD:-kepugraph-test}
mkdir -p "$WORK" "$OUTDIR"
PORT_BASE=${PORT_BASE:-18190}
P_NEO=$PORT_BASE P_EMB=$((PORT_BASE + 1)) P_PEER=$((PORT_BASE + 2))

pids=()
own_neo4j=
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	if [[ -n $own_neo4j ]]; then NEO4J_STATE_DIR=$WORK/neo4j bash "$REPO/tools/neo4j/neo4j.sh" stop >/dev/null || true; fi
}
trap cleanup EXIT
wait_up() { for _ in $(seq 1 600); do curl -fsS -o /dev/null "$@" 2>/dev/null && return 0; sleep 0.5; done; echo "run.sh: $* did not come up" >&2; exit 1; }

for tool in go wrk curl node npm java mvn python3; do command -v $tool >/dev/null || { echo "run.sh: $tool missing (wrk: apt-get install -y wrk)" >&2; exit 1; }; done

echo "== build kepugraph and the seed command"
(cd "$REPO" && go build -trimpath -ldflags='-s -w' -o "$WORK/kepugraph" . && go build -o "$WORK/seed" ./seed)
echo "kepugraph $(git -C "$REPO" log -1 --format='%h %cs')"

if [[ -z ${NEO4J_URI:-} ]]; then
	echo "== Neo4j (tools/neo4j, state in $WORK/neo4j, heap ${NEO4J_HEAP:=1g}, page cache ${NEO4J_PAGECACHE:=512m})"
	export NEO4J_HEAP NEO4J_PAGECACHE
	NEO4J_STATE_DIR=$WORK/neo4j KEPUGRAPH_NEO4J_PORT=${NEO4J_PORT:-$((PORT_BASE + 4))} bash "$REPO/tools/neo4j/neo4j.sh" start
	own_neo4j=1
	NEO4J_URI=$(NEO4J_STATE_DIR=$WORK/neo4j bash "$REPO/tools/neo4j/neo4j.sh" uri)
	export NEO4J_URI
fi

echo "== the reference dataset into Neo4j (idempotent) and into an embedded store"
"$WORK/seed" --store neo4j --quiet | tail -2
[[ -d $WORK/data ]] || "$WORK/seed" --store embedded --data-dir "$WORK/data" --quiet | tail -1

echo "== npm dependencies"
[[ -d $HERE/node_modules ]] || (cd "$HERE" && npm ci --no-audit --no-fund)

echo "== start the servers"
"$WORK/kepugraph" --store neo4j --addr 127.0.0.1:$P_NEO --rate-limit 0 --log-level warn 2>"$WORK/kepugraph-neo4j.log" & pids+=($!)
cpu_servers="kepugraph-neo4j=http://127.0.0.1:$P_NEO/query@$!"
"$WORK/kepugraph" --store embedded --data-dir "$WORK/data" --addr 127.0.0.1:$P_EMB --rate-limit 0 --log-level warn 2>"$WORK/kepugraph-embedded.log" & pids+=($!)
cpu_servers="$cpu_servers kepugraph-embedded=http://127.0.0.1:$P_EMB/query@$!"
(cd "$HERE" && NODE_ENV=production PORT=$P_PEER exec node server.js) 2>"$WORK/peer.log" & pids+=($!)
cpu_servers="$cpu_servers peer=http://127.0.0.1:$P_PEER/@$!"
servers="kepugraph-neo4j=http://127.0.0.1:$P_NEO/query kepugraph-embedded=http://127.0.0.1:$P_EMB/query peer=http://127.0.0.1:$P_PEER/"
if [[ -n ${BASELINE_BIN:-} ]]; then
	"$BASELINE_BIN" --store neo4j --addr 127.0.0.1:$((PORT_BASE + 3)) --rate-limit 0 --log-level warn 2>"$WORK/kepugraph-baseline.log" & pids+=($!)
	cpu_servers="$cpu_servers kepugraph-neo4j-baseline=http://127.0.0.1:$((PORT_BASE + 3))/query@$!"
	wait_up http://127.0.0.1:$((PORT_BASE + 3))/healthz
	servers="$servers kepugraph-neo4j-baseline=http://127.0.0.1:$((PORT_BASE + 3))/query"
fi
wait_up http://127.0.0.1:$P_NEO/healthz
wait_up http://127.0.0.1:$P_EMB/healthz
wait_up -H 'Content-Type: application/json' -d '{"query":"{__typename}"}' http://127.0.0.1:$P_PEER/

echo "== same records"
python3 "$HERE/compare.py" http://127.0.0.1:$P_NEO/query http://127.0.0.1:$P_PEER/ http://127.0.0.1:$P_EMB/query | tee "$OUTDIR/compare.txt"

{
	echo "date: $(date -u +%FT%TZ)  nproc: $(nproc)  cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)  load: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "kepugraph: $(git -C "$REPO" log -1 --format='%h %cs') $(go version | cut -d' ' -f3)"
	echo "neo4j: $NEO4J_URI; heap ${NEO4J_HEAP:-?} page cache ${NEO4J_PAGECACHE:-?}"
	echo "node: $(node --version); @neo4j/graphql $(cd "$HERE" && node -p 'require("./node_modules/@neo4j/graphql/package.json").version'); @apollo/server $(cd "$HERE" && node -p 'require("./node_modules/@apollo/server/package.json").version')"
	echo "wrk: $(wrk -v 2>&1 | head -1)"
} | tee "$OUTDIR/environment.txt"

if [[ -z ${SKIP_LOAD:-} ]]; then
	echo "== load"
	SERVERS="$servers" \
		python3 "$HERE/bench.py" "$OUTDIR"
fi
if [[ -n $own_neo4j ]]; then
	echo "== CPU time per request (cpu.py)"
	SERVERS="$cpu_servers" NEO4J_PID=$(cat "$WORK/neo4j/neo4j.pid") python3 "$HERE/cpu.py" "$OUTDIR"
fi
echo "results in $OUTDIR"
