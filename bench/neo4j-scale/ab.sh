#!/usr/bin/env bash
# ab.sh: the Neo4j bulk load, baseline commits against this checkout, in
# one run, alternating (bench/neo4j-scale/load.py; each run a fresh server).
#
#   bench/neo4j-scale/ab.sh [BASE_COMMIT[,BASE_COMMIT...]] [load.py options...]
#   e.g. NEO4J_HEAP=3g NEO4J_PAGECACHE=2g bench/neo4j-scale/ab.sh 049cd77 --scale 1000000 --port 22010
#
# BASE_COMMIT defaults to 049cd77 (main before "The 1M load, second pass
# (2026-12-02)"; e0f88de is main before "Load at 1M (2026-12-02)"). With
# several, comma-separated, each is built and run in that order, the
# checkout last, in every round.
# Builds go under ${AB_DIR:-/tmp/kepugraph-ab}; the servers' state too.
# Prints load.py's table (markdown) on standard output.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bases=${1:-049cd77}
shift || true
dir=${AB_DIR:-/tmp/kepugraph-ab}
mkdir -p "$dir"
bins=()
IFS=, read -ra list <<<"$bases"
for base in "${list[@]}"; do
	rm -rf "$dir/base-src"
	mkdir -p "$dir/base-src"
	git -C "$root" archive "$base" | tar -x -C "$dir/base-src"
	(cd "$dir/base-src" && go build -o "$dir/seed-$base" ./seed)
	bins+=("$dir/seed-$base")
done
(cd "$root" && go build -o "$dir/seed-new" ./seed)
echo "base $bases, new $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet || echo +dirty); load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exec python3 "$root/bench/neo4j-scale/load.py" --batch 10000 --state "$dir/state" "$@" "${bins[@]}" "$dir/seed-new"
