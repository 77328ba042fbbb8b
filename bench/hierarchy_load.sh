#!/bin/sh
# The cost of the one-parent check of the embedded bulk loader
# (embedded/hierarchy.go, checkOnesInFile): CPU time (user+sys, from
# /usr/bin/time) of `seed --scale N` into a new data directory, the
# baseline binary against this branch's, alternating rounds.
#   bench/hierarchy_load.sh BASE_SEED_BINARY NEW_SEED_BINARY [SCALE] [ROUNDS] [SCRATCH]
# Build the binaries with `go build -o X ./seed` in each checkout.
set -eu
base=$1 new=$2 scale=${3:-100000} rounds=${4:-3} tmp=${5:-/tmp/hierarchy_load}
mkdir -p "$tmp"
for r in $(seq 1 "$rounds"); do
	for which in base new; do
		bin=$base; [ "$which" = new ] && bin=$new
		rm -rf "$tmp/d"
		/usr/bin/time -f "%U %S %e" -o "$tmp/t" nice -n 10 "$bin" --store embedded --data-dir "$tmp/d" --scale "$scale" --no-sync --quiet >/dev/null
		read u s e < "$tmp/t"
		echo "round $r $which cpu_s $(echo "$u + $s" | bc) wall_s $e load $(cut -d' ' -f1 /proc/loadavg)"
	done
done
rm -rf "$tmp/d"
