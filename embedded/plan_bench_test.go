package embedded_test

import (
	"os"
	"sync"
	"testing"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/seed/dataset"
)

var (
	refOnce  sync.Once
	refStore *embedded.Store
	refErr   error
)

// referenceStore returns a store holding the reference dataset, loaded once
// per test binary.
func referenceStore(tb testing.TB) *embedded.Store {
	tb.Helper()
	refOnce.Do(func() {
		ds, err := dataset.Generate(dataset.Options{})
		if err != nil {
			refErr = err
			return
		}
		dir, err := os.MkdirTemp("", "kepugraph-ref-")
		if err != nil {
			refErr = err
			return
		}
		refStore, refErr = embedded.Open(dir, embedded.Options{NoSync: true})
		if refErr == nil {
			_, refErr = dataset.Load(ctx, refStore, ds, dataset.LoadOptions{})
		}
	})
	if refErr != nil {
		tb.Fatal(refErr)
	}
	return refStore
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
