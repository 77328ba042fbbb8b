package dataset_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/seed/dataset"
)

// collect materializes a Source.
func collect(t testing.TB, src dataset.Source) *dataset.Dataset {
	t.Helper()
	ds := &dataset.Dataset{}
	err := src.Each(
		func(n kepu.Node) error { ds.Nodes = append(ds.Nodes, n); return nil },
		func(e kepu.Edge) error { ds.Edges = append(ds.Edges, e); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if got := ds.Len(); got != src.Len() {
		t.Fatalf("Each yielded %d records, Len says %d", got, src.Len())
	}
	return ds
}

func TestScaled(t *testing.T) {
	const n = 50_000
	sg, err := dataset.Scaled(dataset.Options{}, n)
	if err != nil {
		t.Fatal(err)
	}
	ds := collect(t, sg)
	if len(ds.Nodes) != n || len(ds.Nodes) != sg.Nodes() || len(ds.Edges) != sg.Edges() {
		t.Fatalf("%d nodes and %d edges, want %d and %d", len(ds.Nodes), len(ds.Edges), n, sg.Edges())
	}
	if len(ds.Edges) < 4*n {
		t.Errorf("only %d edges for %d nodes", len(ds.Edges), n)
	}
	checkValid(t, ds)
	again, err := dataset.Scaled(dataset.Options{}, n)
	if err != nil {
		t.Fatal(err)
	}
	if hashDataset(t, ds) != hashDataset(t, collect(t, again)) {
		t.Fatal("two scaled graphs differ")
	}
	// The bulk edges are local like the reference dataset's: partnerships
	// at least 80 % within the school's prefecture-level unit and all within
	// its province, coverage within the museum's province.
	ix := newIndex(ds)
	var partners, inUnit, inProv, covers, coversInProv int
	for _, e := range ds.Edges {
		if !strings.Contains(e.From, "gen-bench-") {
			continue
		}
		same := ix.location(e.From).Province == ix.location(e.To).Province
		switch e.Type {
		case kepu.PartnersWith:
			partners++
			if ix.unit(e.From) == ix.unit(e.To) {
				inUnit++
			}
			if same {
				inProv++
			}
		case kepu.Covers:
			covers++
			if same {
				coversInProv++
			}
		}
	}
	t.Logf("bulk PARTNERS_WITH %d: %.1f %% in the unit, %.1f %% in the province; bulk COVERS %d: %.1f %% in the province",
		partners, 100*float64(inUnit)/float64(partners), 100*float64(inProv)/float64(partners), covers, 100*float64(coversInProv)/float64(covers))
	if partners == 0 || float64(inUnit) < 0.8*float64(partners) || inProv != partners {
		t.Errorf("bulk partnerships: %d of %d within the unit, %d within the province", inUnit, partners, inProv)
	}
	if covers == 0 || coversInProv != covers {
		t.Errorf("bulk COVERS: %d of %d within the province", coversInProv, covers)
	}
	if _, err := dataset.Scaled(dataset.Options{}, 100); kepu.ErrorCode(err) != kepu.BadUserInput {
		t.Fatalf("scale below the reference size: %v", err)
	}
}

func TestScaledEdgeRatio(t *testing.T) {
	sg, err := dataset.Scaled(dataset.Options{}, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	if sg.Nodes() != 1_000_000 || sg.Edges() < 5_000_000 {
		t.Fatalf("1M scale: %d nodes, %d edges", sg.Nodes(), sg.Edges())
	}
}

// counts reads the node counts by label and edge counts by type of a store.
func counts(t *testing.T, st kepu.Store) (map[kepu.Label]int, map[kepu.RelType]int) {
	t.Helper()
	ctx := context.Background()
	nodes, edges := map[kepu.Label]int{}, map[kepu.RelType]int{}
	for _, l := range kepu.Labels {
		n, err := st.CountNodes(ctx, l, nil)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			nodes[l] = n
		}
	}
	for _, d := range kepu.RelDefs() {
		a, err := st.AggregateEdges(ctx, kepu.EdgeAggregateQuery{Rel: d.Type})
		if err != nil {
			t.Fatal(err)
		}
		if a.Count > 0 {
			edges[d.Type] = a.Count
		}
	}
	return nodes, edges
}

func TestLoadEmbeddedIdempotent(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the whole dataset")
	}
	ds := reference(t)
	wantNodes, wantEdges := map[kepu.Label]int{}, map[kepu.RelType]int{}
	for _, n := range ds.Nodes {
		wantNodes[n.Label]++
	}
	for _, e := range ds.Edges {
		wantEdges[e.Type]++
	}
	st, err := embedded.Open(t.TempDir(), embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	for run := 1; run <= 2; run++ {
		calls, last := 0, 0
		rep, err := dataset.Load(ctx, st, ds, dataset.LoadOptions{Batch: 2000, Progress: func(done, total int) {
			calls++
			if done <= last || total != ds.Len() {
				t.Errorf("progress %d/%d after %d", done, total, last)
			}
			last = done
		}})
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		if last != ds.Len() || calls != (ds.Len()+1999)/2000 {
			t.Errorf("run %d: progress ended at %d after %d calls", run, last, calls)
		}
		if rep.NodeCount() != len(ds.Nodes) || rep.EdgeCount() != len(ds.Edges) {
			t.Errorf("run %d: report %d nodes, %d edges", run, rep.NodeCount(), rep.EdgeCount())
		}
		nodes, edges := counts(t, st)
		for l, want := range wantNodes {
			if nodes[l] != want || rep.Nodes[l] != want {
				t.Errorf("run %d: %s: store %d, report %d, want %d", run, l, nodes[l], rep.Nodes[l], want)
			}
		}
		for rt, want := range wantEdges {
			if edges[rt] != want || rep.Edges[rt] != want {
				t.Errorf("run %d: %s: store %d, report %d, want %d", run, rt, edges[rt], rep.Edges[rt], want)
			}
		}
	}
	// The store computes a published figure the same way the tests do.
	free, err := st.CountNodes(ctx, kepu.Museum, kepu.And(kepu.C("kind", kepu.Eq, "STANDARD"), kepu.C("freeEntry", kepu.Eq, true)))
	if err != nil || free != dataset.FigFreeEntry {
		t.Errorf("free-entry museums in the store: %d, %v", free, err)
	}
}

func TestLoadCancelled(t *testing.T) {
	st, err := embedded.Open(t.TempDir(), embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := dataset.Load(ctx, st, reference(t), dataset.LoadOptions{}); err == nil {
		t.Fatal("load with a cancelled context succeeded")
	}
}

func BenchmarkLoadEmbedded(b *testing.B) {
	ds, err := dataset.Generate(dataset.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		st, err := embedded.Open(b.TempDir(), embedded.Options{NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := dataset.Load(context.Background(), st, ds, dataset.LoadOptions{}); err != nil {
			b.Fatal(err)
		}
		st.Close()
	}
}

// BenchmarkScaledEach measures producing the benchmark graph without a
// store: 100,000 nodes, about 500,000 edges per iteration.
func BenchmarkScaledEach(b *testing.B) {
	sg, err := dataset.Scaled(dataset.Options{}, 100_000)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		n := 0
		err := sg.Each(func(kepu.Node) error { n++; return nil }, func(kepu.Edge) error { n++; return nil })
		if err != nil || n != sg.Len() {
			b.Fatal(n, err)
		}
	}
	b.ReportMetric(float64(sg.Len()), "records/op")
}
