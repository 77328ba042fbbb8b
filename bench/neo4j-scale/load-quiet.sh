#!/usr/bin/env bash
# load-quiet.sh: the 1M load into Neo4j for a quiet machine, main c1ad9d9
# against this checkout (ab.sh: each run a fresh server, load and index
# phase measured apart), once at heap 3g / page cache 2g and once at 4g /
# 3g (docs/neo4j.md, "The 1M load: deferred indexes, and a batch written
# again alone (2026-12-02, late morning)": the collector's CPU at 3g).
#
#   bench/neo4j-scale/load-quiet.sh [BASE_COMMIT] [load.py options...]
#
# Needs about 8 GB of free memory (free -g); takes about 20 minutes quiet.
# Builds and servers' state under ${AB_DIR:-/tmp/kepugraph-ab}; prints two
# markdown tables on standard output.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
base=${1:-c1ad9d9}
shift || true
for mem in 3g,2g 4g,3g; do
	echo "heap ${mem%,*}, page cache ${mem#*,}"
	NEO4J_HEAP=${mem%,*} NEO4J_PAGECACHE=${mem#*,} bash "$here/ab.sh" "$base" --scale 1000000 --port "${PORT:-25030}" "$@"
done
