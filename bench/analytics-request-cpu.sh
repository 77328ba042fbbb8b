#!/bin/bash
# bench/analytics-request-cpu.sh: the server's CPU time (utime+stime from
# /proc/PID/stat) for one whole-graph communities(CONNECTED_COMPONENTS)
# request, two binaries in alternating rounds (docs/benchmarks.md,
# "Analytics fixes (2026-12-02, late morning)"). Run it in a scratch
# directory holding the binaries kg-base and kg-new, e.g.
#   git archive 8cd35ba | tar -x -C base && (cd base && go build -o ../kg-base .)
#   (cd CHECKOUT && go build -o SCRATCH/kg-new .)
# Each server seeds ./d-base or ./d-new on its first start (ports 26011-26014).
set -u
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
Q='{"query":"{ communities(algorithm: CONNECTED_COMPONENTS) { count nodeCount modularity } }"}'
port=26010
for r in 1 2; do
 for v in base new; do
  port=$((port+1))
  nice -n 10 ./kg-$v --addr 127.0.0.1:$port --data-dir ./d-$v --timeout 120s > srv-$v-$r.log 2>&1 &
  pid=$!
  until curl -s -o /dev/null http://127.0.0.1:$port/query -H 'Content-Type: application/json' -d '{"query":"{__typename}"}'; do sleep 1; done
  a=$(cpu $pid); sleep 2; b=$(cpu $pid); while [ "$a" != "$b" ]; do a=$b; sleep 2; b=$(cpu $pid); done
  t0=$(date +%s.%N)
  out=$(curl -s http://127.0.0.1:$port/query -H 'Content-Type: application/json' -d "$Q")
  t1=$(date +%s.%N)
  c=$(cpu $pid)
  echo "$v round $r: cpu $(( (c-b)*10 )) ms, wall $(echo "$t1 - $t0" | bc) s: $out"
  kill -TERM $pid; wait $pid 2>/dev/null
 done
done
uptime
