package embedded_test

import (
	"os"
	"sync"
	"testing"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/seed/dataset"
)

// refDir is the directory of loadReference's store, removed by TestMain.
var refDir string

// TestMain removes the reference store's directory after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if refDir != "" {
		if st, err := loadReference(); err == nil {
			st.Close()
		}
		os.RemoveAll(refDir)
	}
	os.Exit(code)
}

// loadReference opens a store in a new temporary directory and loads the
// reference dataset into it, once per test binary.
var loadReference = sync.OnceValues(func() (*embedded.Store, error) {
	ds, err := dataset.Generate(dataset.Options{})
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "kepugraph-ref-")
	if err != nil {
		return nil, err
	}
	refDir = dir
	st, err := embedded.Open(dir, embedded.Options{NoSync: true})
	if err != nil {
		return nil, err
	}
	if _, err := dataset.Load(ctx, st, ds, dataset.LoadOptions{}); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
})

// referenceStore returns the store of loadReference.
func referenceStore(tb testing.TB) *embedded.Store {
	tb.Helper()
	st, err := loadReference()
	if err != nil {
		tb.Fatal(err)
	}
	return st
}

// BenchmarkPeerQueries runs the store calls of the peer harness's queries 2
// and 3 (../shared/peers/postgraphile) on the reference dataset: query 3 is
// one province's museums by name with totalCount and each one's partner
// count; query 2 is 50 standard museums, 20 partners each, and their
// schools' places. cpu-ns/op is the process's CPU time per call (steadier
// than the wall time on a shared machine).
func BenchmarkPeerQueries(b *testing.B) {
	st := referenceStore(b)
	hundred, fifty, twenty := 100, 50, 20
	b.Run("q3", func(b *testing.B) {
		cpu0 := cpuTime()
		defer func() { b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op") }()
		f := &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.Province, Filter: kepu.C("code", kepu.Eq, "CN-ZJ")}}
		for b.Loop() {
			p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Filter: f.Clone(),
				Order: []kepu.OrderKey{{Prop: kepu.PropName}}, Page: kepu.Page{First: &hundred}})
			if err != nil || len(p.Nodes) == 0 {
				b.Fatal(len(p.Nodes), err)
			}
			if _, err := st.CountNodes(ctx, kepu.Museum, f.Clone()); err != nil {
				b.Fatal(err)
			}
			ids := make([]string, len(p.Nodes))
			for i, n := range p.Nodes {
				ids[i] = n.ID
			}
			if _, err := st.CountNeighbors(ctx, ids, kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("q2", func(b *testing.B) {
		cpu0 := cpuTime()
		defer func() { b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op") }()
		for b.Loop() {
			p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Filter: kepu.C("kind", kepu.Eq, "STANDARD"), Page: kepu.Page{First: &fifty}})
			if err != nil || len(p.Nodes) == 0 {
				b.Fatal(len(p.Nodes), err)
			}
			ids := make([]string, len(p.Nodes))
			for i, n := range p.Nodes {
				ids[i] = n.ID
			}
			nb, err := st.Neighbors(ctx, ids, kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out, Page: kepu.Page{First: &twenty}})
			if err != nil {
				b.Fatal(err)
			}
			var schools []string
			for _, pg := range nb {
				for _, it := range pg.Items {
					schools = append(schools, it.Node.ID)
				}
			}
			if _, err := st.Locate(ctx, schools); err != nil {
				b.Fatal(err)
			}
		}
	})
}
