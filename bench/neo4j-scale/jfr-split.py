#!/usr/bin/env python3
"""Splits a JFR recording of a Neo4j load (load.py with
`SEED,-XX:StartFlightRecording=filename=F.jfr,settings=park.jfc,dumponexit=true`)
into what the Bolt threads' execution samples were doing, the Bolt
threads' lock sleeps by where they waited, and the samples of the other
busy threads (index population, ...). park.jfc is the JDK's profile.jfc
with the thresholds of jdk.ThreadSleep and jdk.ThreadPark at 0 ms
(Neo4j's lock manager sleeps 1 ms at a time while it waits), which

    python3 bench/neo4j-scale/jfr-split.py --settings park.jfc

writes from the JDK of the java on PATH; then

    python3 bench/neo4j-scale/jfr-split.py F.jfr

docs/neo4j.md, "The 1M load (2026-12-02, late night)".
"""
import collections
import json
import os
import re
import shutil
import subprocess
import sys


def events(f, kind):
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "200", "--events", kind, f],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["recording"]["events"]


def frames(e):
    st = e["values"].get("stackTrace") or {}
    return [x["method"]["type"]["name"] + "." + x["method"]["name"] for x in st.get("frames", [])]


def thread(e):
    v = e["values"]
    t = v.get("sampledThread") or v.get("eventThread") or {}
    return t.get("javaName") or t.get("osName") or ""


def seconds(d):
    h, m, s = re.match(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?", d).groups()
    return int(h or 0) * 3600 + int(m or 0) * 60 + float(s or 0)


def settings(out):
    """Writes the JDK's profile.jfc with the lock sleeps' and parks'
    thresholds at 0 ms to out."""
    java = os.path.realpath(shutil.which("java"))
    jdk = os.path.dirname(os.path.dirname(java))
    with open(os.path.join(jdk, "lib", "jfr", "profile.jfc")) as f:
        s = f.read()
    for ev in ("jdk.ThreadSleep", "jdk.ThreadPark"):
        s, n = re.subn(r'(<event name="' + ev + r'">.*?<setting name="threshold"[^>]*>)[^<]*(</setting>)',
                       r"\g<1>0 ms\2", s, count=1, flags=re.S)
        if n != 1:
            sys.exit(f"{ev}: no threshold in profile.jfc")
    with open(out, "w") as f:
        f.write(s)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--settings":
        settings(sys.argv[2])
        return
    if len(sys.argv) != 2:
        sys.exit("usage: jfr-split.py F.jfr | --settings OUT.jfc")
    f = sys.argv[1]
    samples = events(f, "jdk.ExecutionSample")
    bolt = [e for e in samples if thread(e).startswith("neo4j.Bolt")]
    kinds, eid = collections.Counter(), 0
    for e in bolt:
        s = " ".join(frames(e))
        if "KernelTransactionImplementation.commit" in s:
            kinds["commit"] += 1
        elif "CypherPlanner" in s or "CompilationPhases" in s or "frontend/phases" in s:
            kinds["planning"] += 1
        elif "Forseti" in s:
            kinds["locks outside the commit"] += 1
        elif "packstream" in s.lower():
            kinds["Bolt decoding"] += 1
        elif "cypher" in s:
            kinds["statements' execution"] += 1
        else:
            kinds["other"] += 1
        eid += "ElementId" in s or "elementId" in s
    n = max(len(bolt), 1)
    print(f"Bolt execution samples: {len(bolt)}")
    for k, v in kinds.most_common():
        print(f"  {100 * v / n:5.1f} %  {k}")
    print(f"  ({100 * eid / n:.1f} % with elementId frames)")
    others = collections.Counter(re.sub(r"-\d+$", "", thread(e)) if "IndexPopulation" not in thread(e) else thread(e)
                                 for e in samples if not thread(e).startswith("neo4j.Bolt"))
    print("other threads' samples:", ", ".join(f"{k} {v}" for k, v in others.most_common(8)))
    sleeps = collections.Counter()
    for e in events(f, "jdk.ThreadSleep"):
        if not thread(e).startswith("neo4j.Bolt"):
            continue
        fs = frames(e)
        if not any("Forseti" in x for x in fs):
            continue
        where = next((x for x in fs if "neo4j" in x and "Forseti" not in x and "locking" not in x), "?")
        sleeps[where] += seconds(e["values"]["duration"])
    print(f"Bolt threads' lock sleeps: {sum(sleeps.values()):.2f} s")
    for k, v in sleeps.most_common(6):
        print(f"  {v:7.2f} s  {k}")


if __name__ == "__main__":
    main()
