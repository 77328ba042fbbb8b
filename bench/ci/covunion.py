#!/usr/bin/env python3
"""covunion.py DIR REGEX: DIR holds one coverage profile per test (T.cov,
from `-test.run '^T$' -test.coverprofile DIR/T.cov`); prints how many
statements all the tests together cover, how many the tests whose names
match REGEX cover, and every block that only the others cover, with the
tests that cover it. Used for make race's RACE_EMBEDDED (docs/neo4j.md,
"CI's ci-rest stream (2026-12-02, evening)"):

  go test -pgo=off -c -cover -covermode=set -coverpkg=./embedded -o /tmp/e.test ./embedded
  cd embedded && for t in $(/tmp/e.test -test.list '^Test'); do
    /tmp/e.test -test.run "^$t\\$" -test.coverprofile /tmp/cov/$t.cov; done
  ../bench/ci/covunion.py /tmp/cov "$RACE_EMBEDDED|^TestByteFlips\\$"
"""
import glob
import os
import re
import sys


def main():
    d, sel = sys.argv[1], re.compile(sys.argv[2])
    cov = {}
    for p in glob.glob(os.path.join(d, "*.cov")):
        blocks = set()
        for line in open(p):
            if line.startswith("mode:"):
                continue
            blk, n, c = line.rsplit(" ", 2)
            if int(c) > 0:
                blocks.add((blk, int(n)))
        cov[os.path.basename(p)[:-4]] = blocks
    every = set().union(*cov.values())
    chosen = set().union(*(v for t, v in cov.items() if sel.search(t)))
    print("tests:", len(cov), "matching:", " ".join(sorted(t for t in cov if sel.search(t))))
    print("statements covered by all:", sum(n for _, n in every), "by the matching tests:",
          sum(n for _, n in chosen), "by the others only:", sum(n for _, n in every - chosen))
    for b, n in sorted(every - chosen):
        print(b, n, " ".join(sorted(t for t, v in cov.items() if (b, n) in v)))


if __name__ == "__main__":
    main()
