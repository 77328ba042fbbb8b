# Shell functions of the load scripts (load.sh, compare.sh): source it.
# Each script names itself in SCRIPT (for messages).

# pids holds the servers a script started; cleanup, run on exit, stops them.
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap cleanup EXIT

# need_tools fails with a hint when one of the commands is missing.
need_tools() { # command...
	for tool in "$@"; do
		command -v "$tool" >/dev/null || { echo "$SCRIPT: $tool is missing (wrk: apt-get install -y wrk)" >&2; exit 1; }
	done
}

# wait_up waits (up to 5 minutes) until url answers.
wait_up() { # url
	for _ in $(seq 1 600); do
		curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
		sleep 0.5
	done
	echo "$SCRIPT: $1 did not come up" >&2
	exit 1
}

# median prints the median of the numbers on standard input, one a line.
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
