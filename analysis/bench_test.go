package analysis_test

import (
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/kepugraph/kepugraph/analysis"
	"github.com/kepugraph/kepugraph/internal/procstat"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/storetest"
)

// reportCPU reports the process's CPU time since start per operation.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(procstat.SelfCPU()-start)/1e6/float64(b.N), "cpu-ms/op")
}

// reportQuantiles reports the median and 99th percentile of the durations
// (metrics prefix+"p50-ms" and prefix+"p99-ms").
func reportQuantiles(b *testing.B, ds []time.Duration, prefix string) {
	slices.Sort(ds)
	q := func(p float64) float64 { return float64(ds[int(p*float64(len(ds)-1))]) / 1e6 }
	b.ReportMetric(q(0.5), prefix+"p50-ms")
	b.ReportMetric(q(0.99), prefix+"p99-ms")
}

func museums(b testing.TB) []string {
	page, err := ref.store.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum})
	if err != nil {
		b.Fatal(err)
	}
	var ids []string
	for _, n := range page.Nodes {
		ids = append(ids, n.ID)
	}
	return ids
}

// BenchmarkShortestPath: shortestPath between random museums of the
// reference dataset, every relationship type, maxHops 6 (the default), as
// the API answers it: on the analyzer's adjacency of the graph version
// (read before the timed loop), the paths' nodes and relationships read
// from the store.
func BenchmarkShortestPath(b *testing.B) {
	a := warm(b)
	benchPaths(b, func(q analysis.PathQuery) error { _, err := a.ShortestPath(ctx, ref.store, q); return err })
}

// warm returns an analyzer of the store with its adjacency read.
func warm(b *testing.B) *analysis.Analyzer {
	a := &analysis.Analyzer{Store: ref.store}
	if err := a.WarmPaths(ctx); err != nil {
		b.Fatal(err)
	}
	return a
}

// BenchmarkShortestPathStoreWalk: the same pairs walked through the store
// (one Neighbors call per relationship type and direction per frontier),
// what a request does while the adjacency of a new version is being read.
func BenchmarkShortestPathStoreWalk(b *testing.B) {
	benchPaths(b, func(q analysis.PathQuery) error { _, err := analysis.ShortestPath(ctx, ref.store, q); return err })
}

func benchPaths(b *testing.B, path func(analysis.PathQuery) error) {
	benchLatency(b, 1, func(ids []string, r *rand.Rand) error {
		return path(analysis.PathQuery{From: ids[r.IntN(len(ids))], To: ids[r.IntN(len(ids))], MaxHops: analysis.DefaultMaxHops})
	})
}

// benchLatency times call on random museums (the IDs and a generator
// seeded with seed), reporting the CPU time per call and the quantiles of
// the latency.
func benchLatency(b *testing.B, seed uint64, call func(ids []string, r *rand.Rand) error) {
	ids := museums(b)
	r := rand.New(rand.NewPCG(seed, seed+1))
	ds := make([]time.Duration, 0, b.N)
	cs := make([]time.Duration, 0, b.N)
	// The calls run on one OS thread, so that its CPU time is theirs.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cpu := procstat.SelfCPU()
	for b.Loop() {
		start, startCPU := time.Now(), threadCPU()
		if err := call(ids, r); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(start))
		cs = append(cs, threadCPU()-startCPU)
	}
	reportCPU(b, cpu)
	reportQuantiles(b, ds, "")
	reportQuantiles(b, cs, "cpu-")
}

// threadCPU is the CPU time of the calling OS thread so far
// (CLOCK_THREAD_CPUTIME_ID): per call, the time the call ran, without the
// time it waited for a processor, which on a loaded machine makes most of
// the wall-clock tail.
func threadCPU() time.Duration {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts) != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}

// BenchmarkAdjacencyLoad: reading the adjacency of the whole graph (what
// the first path request after a write starts in the background).
func BenchmarkAdjacencyLoad(b *testing.B) {
	cpu := procstat.SelfCPU()
	for b.Loop() {
		if _, err := analysis.LoadAdjacency(ctx, ref.store); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// BenchmarkNeighborhood2Hops: the 2-hop neighborhood of a random museum,
// every relationship type, limit 100 (the default), as the API answers it:
// on the analyzer's adjacency (read before the timed loop), the nodes and
// relationships read from the store.
func BenchmarkNeighborhood2Hops(b *testing.B) {
	a := warm(b)
	benchHood(b, func(q analysis.HoodQuery) error { _, err := a.Neighborhood(ctx, ref.store, q); return err })
}

// BenchmarkNeighborhood2HopsStoreWalk: the same neighborhoods walked
// through the store.
func BenchmarkNeighborhood2HopsStoreWalk(b *testing.B) {
	benchHood(b, func(q analysis.HoodQuery) error { _, err := analysis.Neighborhood(ctx, ref.store, q); return err })
}

func benchHood(b *testing.B, hood func(analysis.HoodQuery) error) {
	benchLatency(b, 3, func(ids []string, r *rand.Rand) error {
		return hood(analysis.HoodQuery{Root: ids[r.IntN(len(ids))], Hops: 2, Limit: analysis.DefaultHoodLimit})
	})
}

// BenchmarkPageRankWholeGraph: loading the whole graph through the store
// and computing PageRank once (what the first centrality request after a
// write does; later requests at the same version are served from the
// cache), with the resident memory it takes (see reportRSS).
func BenchmarkPageRankWholeGraph(b *testing.B) {
	runtime.GC()
	rss0 := resetPeakRSS()
	cpu := procstat.SelfCPU()
	for b.Loop() {
		net, err := analysis.LoadNetwork(ctx, ref.store, analysis.NetSpec{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := analysis.Centrality(net, analysis.PageRank); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
	reportRSS(b, rss0)
}

// BenchmarkCentralityCached: a centrality request at an unchanged graph
// version (the version check and the cached scores).
func BenchmarkCentralityCached(b *testing.B) {
	a := &analysis.Analyzer{Store: ref.store}
	if _, err := a.Centrality(ctx, analysis.NetSpec{}, analysis.PageRank); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := a.Centrality(ctx, analysis.NetSpec{}, analysis.PageRank); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStartWarm: what a server does at start (Analyzer.StartWarm):
// the time from StartWarm until path requests find the adjacency (polled
// every 10 ms with a shortest path through a store that refuses walks, so
// that only the adjacency can answer), the process's CPU time, and the
// resident memory: VmRSS growth once warm (the adjacency held) and the
// peak's growth during the read (VmHWM reset first; Linux).
func BenchmarkStartWarm(b *testing.B) {
	ids := museums(b)
	q := analysis.PathQuery{From: ids[0], To: ids[len(ids)-1], MaxHops: analysis.DefaultMaxHops, Limit: 1}
	var keep []*analysis.Analyzer
	runtime.GC()
	rss0 := resetPeakRSS()
	cpu := procstat.SelfCPU()
	for b.Loop() {
		a := &analysis.Analyzer{Store: ref.store}
		a.StartWarm(ctx, nil)
		for {
			if _, _, err := a.ShortestPaths(ctx, storetest.NoWalk{Store: ref.store}, q); err == nil {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		keep = append(keep, a)
	}
	reportCPU(b, cpu)
	reportRSS(b, rss0)
	runtime.KeepAlive(keep)
}

// resetPeakRSS resets the process's peak resident set (VmHWM) to its
// current one (Linux 4.0+) and returns the current VmRSS in bytes.
func resetPeakRSS() int64 {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	return procstat.Bytes("VmRSS")
}

// reportRSS reports the process's resident set (MB-RSS), its growth since
// rss0 (MB-RSS-growth) and the growth of its peak (MB-peak-RSS-growth)
// since resetPeakRSS returned rss0.
func reportRSS(b *testing.B, rss0 int64) {
	rss, hwm := procstat.Bytes("VmRSS"), procstat.Bytes("VmHWM")
	if rss == 0 {
		return
	}
	b.ReportMetric(float64(rss)/1e6, "MB-RSS")
	b.ReportMetric(float64(rss-rss0)/1e6, "MB-RSS-growth")
	b.ReportMetric(float64(hwm-rss0)/1e6, "MB-peak-RSS-growth")
}

// BenchmarkShortestPathAfterWrite: what a path request costs right after a
// single mutation (the case that walked the store while the whole
// adjacency was read again): each operation writes one relationship
// (HELPED_ESTABLISH between the first two museums, put and deleted in
// turn, the graph as before at the end), then times one shortestPath from
// the museum written to a random museum on an analyzer warmed before the
// loop. The analyzer catches up with the store's edge log
// (kepu.EdgeLog). Only the path is timed; the write's time is reported as
// write-p50-ms and write-p99-ms.
func BenchmarkShortestPathAfterWrite(b *testing.B) {
	benchAfterWrite(b, ref.store)
}

// BenchmarkShortestPathAfterWriteNoLog: the same on a view of the store
// without the edge log, as main's analyzer did: after every write it
// walks the store while it reads the adjacency again in the background.
func BenchmarkShortestPathAfterWriteNoLog(b *testing.B) {
	benchAfterWrite(b, noLog{ref.store})
}

// noLog is a store without the optional capabilities of the one it holds.
type noLog struct{ kepu.Store }

func benchAfterWrite(b *testing.B, st kepu.Store) {
	ids := museums(b)
	a := &analysis.Analyzer{Store: st}
	if err := a.WarmPaths(ctx); err != nil {
		b.Fatal(err)
	}
	e := kepu.Edge{Type: kepu.HelpedEstablish, From: ids[0], To: ids[1], Props: kepu.Props{kepu.PropProvenance: kepu.Reported, kepu.PropSource: "bench"}}
	had, err := st.Neighbors(ctx, []string{e.From}, kepu.NeighborQuery{Rel: e.Type, Dir: kepu.Out, NodeFilter: kepu.C(kepu.PropID, kepu.Eq, e.To)})
	if err != nil {
		b.Fatal(err)
	}
	write := func(put bool) {
		c := kepu.Change{Kind: kepu.DeleteEdge, Edge: e, IfExists: true}
		if put {
			c = kepu.Change{Kind: kepu.PutEdge, Edge: e}
		}
		if _, err := st.Write(ctx, []kepu.Change{c}); err != nil {
			b.Fatal(err)
		}
	}
	defer write(len(had[e.From].Items) > 0)
	r := rand.New(rand.NewPCG(9, 10))
	var ds, ws []time.Duration
	cpu := procstat.SelfCPU()
	i := 0
	for b.Loop() {
		start := time.Now()
		write(i%2 == 0)
		ws = append(ws, time.Since(start))
		i++
		start = time.Now()
		if _, err := a.ShortestPath(ctx, st, analysis.PathQuery{From: e.From, To: ids[r.IntN(len(ids))], MaxHops: analysis.DefaultMaxHops}); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(start))
	}
	reportCPU(b, cpu)
	reportQuantiles(b, ds, "")
	reportQuantiles(b, ws, "write-")
}

// BenchmarkShortestPathSearch: the search of BenchmarkShortestPath alone
// (the same pairs, no store read), with its work: the thread CPU time per
// search (cpu-p50-ms, cpu-p99-ms), and the nodes marked (visited-p50,
// visited-p99) and arcs scanned (arcs-p50, arcs-p99) over all pairs and
// over those without a path within maxHops (nopath-share, nopath-arcs-p99),
// the share of pairs the landmark bound answered without a search
// (bounded-share) and the nodes the searches pruned (pruned-p50, -p99).
func BenchmarkShortestPathSearch(b *testing.B) {
	a := warm(b)
	var visited, arcs, noPathArcs, pruned []int
	bounded := 0
	benchLatency(b, 1, func(ids []string, r *rand.Rand) error {
		q := analysis.PathQuery{From: ids[r.IntN(len(ids))], To: ids[r.IntN(len(ids))], MaxHops: analysis.DefaultMaxHops, Limit: 1}
		w, ok := a.SearchOnly(q)
		if ok {
			visited, arcs, pruned = append(visited, w.Visited), append(arcs, w.Arcs), append(pruned, w.Pruned)
			if w.Bounded {
				bounded++
			}
			if !w.Found {
				noPathArcs = append(noPathArcs, w.Arcs)
			}
		}
		return nil
	})
	report := func(xs []int, name string) {
		if len(xs) == 0 {
			return
		}
		slices.Sort(xs)
		b.ReportMetric(float64(xs[len(xs)/2]), name+"-p50")
		b.ReportMetric(float64(xs[len(xs)*99/100]), name+"-p99")
	}
	report(visited, "visited")
	report(arcs, "arcs")
	report(noPathArcs, "nopath-arcs")
	report(pruned, "pruned")
	if len(arcs) > 0 {
		b.ReportMetric(float64(len(noPathArcs))/float64(len(arcs)), "nopath-share")
		b.ReportMetric(float64(bounded)/float64(len(arcs)), "bounded-share")
	}
}

// BenchmarkLandmarks: computing the landmarks of the adjacency (what
// follows every read and fold of the adjacency, in the background), with
// the process's CPU time per computation.
func BenchmarkLandmarks(b *testing.B) {
	a := warm(b)
	cpu := procstat.SelfCPU()
	for b.Loop() {
		a.Relandmark()
	}
	reportCPU(b, cpu)
}
