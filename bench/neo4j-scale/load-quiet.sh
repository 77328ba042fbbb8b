#!/usr/bin/env bash
# load-quiet.sh: the 1M load into Neo4j for a quiet machine, a base commit
# against this checkout (ab.sh: each run a fresh server, load and index
# phase measured apart), heap 3g / page cache 2g, first with the servers'
# defaults, then with the candidate load configuration (load.py
# --load-config: -XX:+UseParallelGC; docs/neo4j.md, "The 1M load on Neo4j
# (2026-12-03, n4load11)": a sixth less Neo4j CPU at 100k, not at 1M in one
# busy pair).
#
#   bench/neo4j-scale/load-quiet.sh [BASE_COMMIT] [load.py options...]
#
# Needs about 8 GB of free memory (free -g); takes about 25 minutes quiet.
# Builds and servers' state under ${AB_DIR:-/tmp/kepugraph-ab}; prints two
# markdown tables on standard output.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
base=${1:-fb4c872}
shift || true
for cfg in defaults --load-config; do
	echo "heap 3g, page cache 2g, $cfg"
	opts=()
	[ "$cfg" = defaults ] || opts=("$cfg")
	NEO4J_HEAP=3g NEO4J_PAGECACHE=2g bash "$here/ab.sh" "$base" --scale 1000000 --port "${PORT:-25030}" "${opts[@]}" "$@"
done
