#!/usr/bin/env bash
# Paired, alternating opens of the embedded store by two bench/scale
# binaries (say, one built from main and one from a branch):
#
#   OLD=/tmp/scale-main NEW=/tmp/scale-branch A=/tmp/c1m-a B=/tmp/c1m-b bash bench/open-pair.sh
#   ROUNDS=6 ... bash bench/open-pair.sh
#
# A and B are two copies of one cached graph (cp -a /work/scale1m ...; the
# binaries must read the same data format, or give each its own copy and
# set B to it). Each round opens twice per binary, old then new in odd
# rounds and new then old in even ones, on copy A then copy B, so that
# neither binary always comes first or always reads one copy. Every run is
# `BIN -dir COPY -samples 0` (open only) under /usr/bin/time; the script
# prints each run (the open's wall and CPU as the binary reports them,
# the process's user and system CPU and wall, RSS after the open, peak RSS, the
# 1-minute load average) and, per binary, the medians.
set -euo pipefail
: "${OLD:?OLD=path of the old binary}" "${NEW:?NEW=path of the new binary}"
: "${A:?A=first copy of the data directory}" "${B:?B=second copy}"
ROUNDS=${ROUNDS:-4}
NICE=${NICE:-10}
OUT=${OUT:-$(mktemp /tmp/open-pair.XXXXXX)}
ms() { # a Go duration ("1m2.5s", "4.2s", "987ms") -> milliseconds
	awk -v d="$1" 'BEGIN {
		t = 0
		if (d ~ /ms$/) { print int(substr(d, 1, length(d) - 2)); exit }
		if (d ~ /m/) { split(d, p, "m"); t = p[1] * 60; d = p[2] }
		sub(/s$/, "", d); printf "%d\n", (t + d) * 1000 }'
}
run() { # name bin dir
	local t log
	log=$(mktemp)
	nice -n "$NICE" /usr/bin/time -f 'TIME %U %S %M %e' "$2" -dir "$3" -samples 0 >"$log" 2>&1
	# open: 5.123s (CPU 8.456s), RSS 1268 MB (peak 2743 MB)
	t=$(grep '^open:' "$log")
	local wall cpu rss peak user sys elapsed
	wall=$(ms "$(echo "$t" | awk '{print $2}')")
	cpu=$(ms "$(echo "$t" | sed 's/.*(CPU \([^)]*\)).*/\1/')")
	rss=$(echo "$t" | sed 's/.*RSS \([0-9]*\) MB.*/\1/')
	peak=$(echo "$t" | sed 's/.*peak \([0-9]*\) MB.*/\1/')
	read -r user sys elapsed <<<"$(grep '^TIME' "$log" | awk '{print $2, $3, $5}')"
	rm -f "$log"
	printf '%s %s wall_ms=%s open_cpu_ms=%s user=%s sys=%s elapsed=%s rss_mb=%s peak_mb=%s load=%s\n' \
		"$1" "$3" "$wall" "$cpu" "$user" "$sys" "$elapsed" "$rss" "$peak" "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT"
}
for r in $(seq "$ROUNDS"); do
	if [ $((r % 2)) -eq 1 ]; then
		run old "$OLD" "$A"; run new "$NEW" "$B"; run new "$NEW" "$A"; run old "$OLD" "$B"
	else
		run new "$NEW" "$A"; run old "$OLD" "$B"; run old "$OLD" "$A"; run new "$NEW" "$B"
	fi
done
echo "medians ($OUT):"
for b in old new; do
	for f in wall_ms open_cpu_ms user sys elapsed rss_mb peak_mb load; do
		grep "^$b " "$OUT" | tr ' ' '\n' | grep "^$f=" | cut -d= -f2 | sort -g |
			awk -v b="$b" -v f="$f" '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%s %s %s (n=%d, %s..%s)\n", b, f, m, NR, v[1], v[NR] }'
	done
done
