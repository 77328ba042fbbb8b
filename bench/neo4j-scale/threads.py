#!/usr/bin/env python3
"""CPU seconds (user + system) of a process's threads, by thread group (the
thread's name without its trailing digits and dashes: "C2 CompilerThread0"
and "C2 CompilerThread1" are one group), between two moments:

    bench/neo4j-scale/threads.py snap PID FILE    # remember the threads' CPU now
    bench/neo4j-scale/threads.py diff PID FILE [N] # print each group's CPU since, largest first (the first N)

Threads that ended between the two are not counted (their CPU is lost with
them). table-ab.sh prints it for each measured run.
"""
import os,re,sys,json
TICK=os.sysconf("SC_CLK_TCK")
def snap(pid):
    out={}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            comm=open(f"/proc/{pid}/task/{tid}/comm").read().strip()
            f=open(f"/proc/{pid}/task/{tid}/stat").read().rsplit(")",1)[1].split()
            cpu=(int(f[11])+int(f[12]))/TICK
        except OSError: continue
        g=re.sub(r"[-\d]+$","",comm)
        out[g]=out.get(g,0)+cpu
    return out
pid=int(sys.argv[2])
if sys.argv[1]=="snap":
    json.dump(snap(pid),open(sys.argv[3],"w"))
else:
    a=json.load(open(sys.argv[3])); b=snap(pid)
    d={k:b.get(k,0)-a.get(k,0) for k in set(a)|set(b)}
    top=sorted(d.items(),key=lambda x:-x[1])
    if len(sys.argv)>4: top=top[:int(sys.argv[4])]
    for k,v in top:
        if v>0.005: print(f"{v:8.2f}  {k}")
