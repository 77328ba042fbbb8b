package neo4jstore_test

import (
	"context"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/analysis"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
)

// TestShortestPathScale measures shortestPath on a graph already loaded
// into the Neo4j at NEO4J_URI (such as the 1M-node benchmark graph) as the
// API answers it (analysis.Analyzer, package graph): the analyzer reads
// the whole graph's adjacency from the store once per graph version
// (WarmPaths: Edges pages of every relationship type) and walks it in
// process, reading only the found paths' nodes and relationships from
// Neo4j; until that read is done (at start, and after every write) a
// request walks the store instead (analysis.ShortestPath: Neighbors
// statements per frontier). Both are timed between random museums (of the
// first 5,000 by ID, as bench-scale's cursors), every relationship type,
// maxHops 6: KEPUGRAPH_PATHS_SCALE samples on the adjacency, at most 10
// through the store. It only reads, and runs only when
// KEPUGRAPH_PATHS_SCALE is set; the figures are in the test's log.
func TestShortestPathScale(t *testing.T) {
	samples, _ := strconv.Atoi(os.Getenv("KEPUGRAPH_PATHS_SCALE"))
	if samples <= 0 || os.Getenv("NEO4J_URI") == "" {
		t.Skip("KEPUGRAPH_PATHS_SCALE and NEO4J_URI are not set: no loaded graph to measure on")
	}
	ctx := context.Background()
	st, err := neo4jstore.Open(ctx, neo4jstore.ConfigFromEnv())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
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
	measure := func(name string, n int, path func(analysis.PathQuery) ([]analysis.Path, error)) {
		ds := make([]time.Duration, 0, n)
		found := 0
		cpu := processCPU()
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
		per := (processCPU() - cpu) / time.Duration(n)
		slices.Sort(ds)
		t.Logf("%s, %d samples (%d with a path): p50 %.2f ms, p99 %.2f ms, max %.2f ms, this process's CPU %.2f ms per path",
			name, n, found, ms(ds[n/2]), ms(ds[n*99/100]), ms(ds[n-1]), ms(per))
	}
	measure("store walk (analysis.ShortestPaths on the store)", min(samples, 10), func(q analysis.PathQuery) ([]analysis.Path, error) {
		ps, _, err := analysis.ShortestPaths(ctx, st, q)
		return ps, err
	})
	a := &analysis.Analyzer{Store: st}
	start, cpu := time.Now(), processCPU()
	if err := a.WarmPaths(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("adjacency read from Neo4j (WarmPaths): %v wall, %v of this process's CPU", time.Since(start).Round(time.Millisecond), (processCPU() - cpu).Round(time.Millisecond))
	measure("adjacency (Analyzer.ShortestPaths)", samples, func(q analysis.PathQuery) ([]analysis.Path, error) {
		ps, _, err := a.ShortestPaths(ctx, st, q)
		return ps, err
	})
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// processCPU is the user and system CPU time of the process so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
