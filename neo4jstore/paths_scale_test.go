package neo4jstore_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/analysis"
	"github.com/kepugraph/kepugraph/internal/procstat"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
)

// TestShortestPathScale measures shortestPath on a graph already loaded
// into the Neo4j at NEO4J_URI (such as the 1M-node benchmark graph) as the
// API answers it (analysis.Analyzer, package graph): the analyzer reads
// the whole graph's adjacency from the store once (WarmPaths: WalkEnds,
// the outgoing relationships of 10,000 nodes per statement) and walks it in process,
// reading only the found paths' nodes and relationships from Neo4j; after
// a write it brings the adjacency up to date with the store's edge log
// (EdgeChangesSince, one statement) instead of reading it again. Before
// the adjacency is read a request walks the store instead
// (analysis.ShortestPath: Neighbors statements per frontier), as main's
// analyzer did after every write until its new read was done. Timed
// between random museums (of the first 5,000 by ID, as bench-scale's
// cursors), every relationship type, maxHops 6: KEPUGRAPH_PATHS_SCALE
// samples on the adjacency, then KEPUGRAPH_PATHS_SCALE rounds of one
// mutation (a HELPED_ESTABLISH relationship between two of the museums
// put, then deleted, in turn) followed by 5 paths each (the first of
// them catches up), at most 10 through the store (before the adjacency;
// KEPUGRAPH_PATHS_SCALE_WALKS sets how many, 0 for none: then the pairs of
// the adjacency's samples start from the same draws); with
// KEPUGRAPH_PATHS_SCALE_OLD set, also main's read of the adjacency
// (WalkEdges: Edges pages of 1,000) before the new one; with
// KEPUGRAPH_NEO4J_PID (a server on this machine), the server's CPU time
// of the reads. It writes (the
// mutations; the graph is as before at the end) and runs only when
// KEPUGRAPH_PATHS_SCALE is set; the figures are in the test's log.
func TestShortestPathScale(t *testing.T) {
	samples, _ := strconv.Atoi(os.Getenv("KEPUGRAPH_PATHS_SCALE"))
	if samples <= 0 || os.Getenv("NEO4J_URI") == "" {
		t.Skip("KEPUGRAPH_PATHS_SCALE and NEO4J_URI are not set: no loaded graph to measure on")
	}
	ctx := context.Background()
	cfg := neo4jstore.ConfigFromEnv()
	cfg.TxTimeout = 5 * time.Minute // a whole read's statements on a loaded machine, with a cold page cache
	st := openLoaded(t, cfg)
	// The edge log's constraint, on a graph loaded by an older kepugraph.
	if err := st.EnsureKeyConstraints(ctx); err != nil {
		t.Fatal(err)
	}
	first := 5000
	page, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Page: kepu.Page{First: &first}})
	if err != nil || len(page.Nodes) == 0 {
		t.Fatalf("museums: %d, %v", len(page.Nodes), err)
	}
	r := rand.New(rand.NewPCG(13, 13))
	pair := func() analysis.PathQuery {
		return analysis.PathQuery{From: page.Nodes[r.IntN(len(page.Nodes))].ID, To: page.Nodes[r.IntN(len(page.Nodes))].ID,
			MaxHops: analysis.DefaultMaxHops, Limit: 1}
	}
	var lastCPU time.Duration
	timed := func(name string, ds []time.Duration, found int) {
		slices.Sort(ds)
		n := len(ds)
		cpu := ""
		if lastCPU > 0 {
			cpu = fmt.Sprintf(", this process's CPU %.2f ms per path", ms(lastCPU/time.Duration(n)))
		}
		t.Logf("%s, %d samples (%d with a path): p50 %.2f ms, p99 %.2f ms, max %.2f ms%s",
			name, n, found, ms(ds[n/2]), ms(ds[n*99/100]), ms(ds[n-1]), cpu)
	}
	measure := func(name string, n int, path func(analysis.PathQuery) ([]analysis.Path, error)) {
		ds := make([]time.Duration, 0, n)
		found := 0
		cpu := procstat.SelfCPU()
		for range n {
			q := pair()
			start := time.Now()
			ps, err := path(q)
			if err != nil {
				t.Fatalf("%s %s -> %s: %v", name, q.From, q.To, err)
			}
			ds = append(ds, time.Since(start))
			if len(ps) > 0 {
				found++
			}
		}
		lastCPU = procstat.SelfCPU() - cpu
		timed(name, ds, found)
	}
	walks := min(samples, 10)
	if w, err := strconv.Atoi(os.Getenv("KEPUGRAPH_PATHS_SCALE_WALKS")); err == nil {
		walks = w
	}
	if walks > 0 {
		measure("store walk (analysis.ShortestPaths on the store)", walks, func(q analysis.PathQuery) ([]analysis.Path, error) {
			ps, _, err := analysis.ShortestPaths(ctx, st, q)
			return ps, err
		})
	}
	if os.Getenv("KEPUGRAPH_PATHS_SCALE_OLD") != "" {
		start, cpu, srv := time.Now(), procstat.SelfCPU(), serverCPU()
		adj, err := analysis.LoadAdjacency(ctx, plainStore{st})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("adjacency read from Neo4j as main reads it (WalkEdges: Edges pages): %v wall, %v of this process's CPU%s, %d relationships",
			time.Since(start).Round(time.Millisecond), (procstat.SelfCPU() - cpu).Round(time.Millisecond), srv(), adj.Relationships())
	}
	a := &analysis.Analyzer{Store: st}
	start, cpu, srv := time.Now(), procstat.SelfCPU(), serverCPU()
	if err := a.WarmPaths(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("adjacency read from Neo4j (WarmPaths: WalkEnds): %v wall, %v of this process's CPU%s", time.Since(start).Round(time.Millisecond), (procstat.SelfCPU() - cpu).Round(time.Millisecond), srv())
	ts := &timedStore{Store: st}
	var slow []pathSample
	measure("adjacency (Analyzer.ShortestPaths)", samples, func(q analysis.PathQuery) ([]analysis.Path, error) {
		ts.reset()
		start := time.Now()
		ps, _, err := a.ShortestPaths(ctx, ts, q)
		total := time.Since(start)
		ts.mu.Lock()
		smp := pathSample{q: q, total: total, reads: ts.took, calls: ts.calls}
		ts.mu.Unlock()
		if len(ps) > 0 {
			smp.length = ps[0].Length()
		}
		slow = append(slow, smp)
		return ps, err
	})
	logSlowest(t, slow)

	// One mutation, then paths.
	m1, m2 := page.Nodes[0].ID, page.Nodes[1].ID
	e := kepu.Edge{Type: kepu.HelpedEstablish, From: m1, To: m2, Props: kepu.Props{kepu.PropProvenance: kepu.Reported, kepu.PropSource: "paths-scale"}}
	had, err := st.Neighbors(ctx, []string{m1}, kepu.NeighborQuery{Rel: kepu.HelpedEstablish, Dir: kepu.Out, NodeFilter: kepu.C(kepu.PropID, kepu.Eq, m2)})
	if err != nil {
		t.Fatal(err)
	}
	existed := len(had[m1].Items) > 0
	var writes, firsts, all []time.Duration
	found, foundFirst := 0, 0
	cpu = procstat.SelfCPU()
	for i := range samples {
		c := kepu.Change{Kind: kepu.PutEdge, Edge: e}
		if i%2 == 1 {
			c = kepu.Change{Kind: kepu.DeleteEdge, Edge: e, IfExists: true}
		}
		start := time.Now()
		if _, err := st.Write(ctx, []kepu.Change{c}); err != nil {
			t.Fatal(err)
		}
		writes = append(writes, time.Since(start))
		for k := range 5 {
			q := pair()
			if k == 0 {
				q.From, q.To = m1, page.Nodes[r.IntN(len(page.Nodes))].ID
			}
			start := time.Now()
			ps, _, err := a.ShortestPaths(ctx, st, q)
			if err != nil {
				t.Fatal(err)
			}
			d := time.Since(start)
			all = append(all, d)
			if k == 0 {
				firsts = append(firsts, d)
			}
			if len(ps) > 0 {
				found++
				if k == 0 {
					foundFirst++
				}
			}
		}
	}
	roundCPU := (procstat.SelfCPU() - cpu) / time.Duration(samples)
	final := kepu.Change{Kind: kepu.DeleteEdge, Edge: e, IfExists: true}
	if existed {
		final = kepu.Change{Kind: kepu.PutEdge, Edge: e}
	}
	if _, err := st.Write(ctx, []kepu.Change{final}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(writes)
	t.Logf("the mutations (Write of one PutEdge or DeleteEdge), %d: p50 %.2f ms, p99 %.2f ms; this process's CPU per round (the write and 5 paths) %.2f ms",
		len(writes), ms(writes[len(writes)/2]), ms(writes[len(writes)*99/100]), ms(roundCPU))
	lastCPU = 0
	timed("after a mutation, the first path (from the museum written; it catches up with the edge log)", firsts, foundFirst)
	timed("after a mutation, the 5 paths", all, found)
}

// pathSample is one timed shortest path: its total time, and the time
// (from the first call's start to the last one's end) and number of the
// store calls that read the found path's nodes and relationships (the
// rest is the version read and the search on the adjacency).
type pathSample struct {
	q            analysis.PathQuery
	total, reads time.Duration
	calls        int
	length       int // 0: no path
}

// logSlowest logs the five slowest samples and the quantiles of the time
// outside the store reads, with and without a path.
func logSlowest(t *testing.T, ss []pathSample) {
	slices.SortFunc(ss, func(x, y pathSample) int { return cmp.Compare(y.total, x.total) })
	for _, s := range ss[:min(5, len(ss))] {
		t.Logf("slow: %.2f ms (path reads %.2f ms in %d calls), length %d, %s -> %s", ms(s.total), ms(s.reads), s.calls, s.length, s.q.From, s.q.To)
	}
	for _, found := range []bool{true, false} {
		var rest []time.Duration
		for _, s := range ss {
			if (s.length > 0) == found {
				rest = append(rest, s.total-s.reads)
			}
		}
		if len(rest) == 0 {
			continue
		}
		slices.Sort(rest)
		t.Logf("with a path %v: %d samples, time outside the path reads (version read and search) p50 %.2f ms, max %.2f ms", found, len(rest), ms(rest[len(rest)/2]), ms(rest[len(rest)-1]))
	}
}

// timedStore times the Nodes and Neighbors calls made through it (the
// reads of a found path's nodes and relationships, which the analyzer
// makes at the same time): took is the span from the first call's start
// to the last one's end.
type timedStore struct {
	kepu.Store
	mu          sync.Mutex
	first, last time.Time
	took        time.Duration
	calls       int
}

func (s *timedStore) reset() { s.first, s.last, s.took, s.calls = time.Time{}, time.Time{}, 0, 0 }

func (s *timedStore) Nodes(ctx context.Context, ids []string) (map[string]kepu.Node, error) {
	defer s.time(time.Now())
	return s.Store.Nodes(ctx, ids)
}

func (s *timedStore) Neighbors(ctx context.Context, ids []string, q kepu.NeighborQuery) (map[string]kepu.NeighborPage, error) {
	defer s.time(time.Now())
	return s.Store.Neighbors(ctx, ids, q)
}

func (s *timedStore) time(start time.Time) {
	end := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls == 0 || start.Before(s.first) {
		s.first = start
	}
	if end.After(s.last) {
		s.last = end
	}
	s.took = s.last.Sub(s.first)
	s.calls++
}

// plainStore is a Store without the optional capabilities of the one it
// holds (kepu.EndsWalker, kepu.EdgeLog): what main's analyzer used.
type plainStore struct{ kepu.Store }

// serverCPU returns a function that gives, as ", N s of the server's CPU",
// the CPU time the process KEPUGRAPH_NEO4J_PID (the Neo4j server, on this
// machine) used since serverCPU was called; "" without it.
func serverCPU() func() string {
	pid, err := strconv.Atoi(os.Getenv("KEPUGRAPH_NEO4J_PID"))
	t0, ok := procstat.ProcessCPU(pid)
	if err != nil || !ok {
		return func() string { return "" }
	}
	return func() string {
		t, _ := procstat.ProcessCPU(pid)
		return fmt.Sprintf(", %.1f s of the server's CPU", (t - t0).Seconds())
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
