package embedded_test

import (
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// BenchmarkPlaceShapes runs place-scoped store calls on the reference
// dataset, the store side of filtered, ordered, counted queries of a place
// (cpu-ns/op: the process's CPU time per call):
//
//   - museums-province: one province's museums by name, a page of 100 and
//     the count (the store calls of the peer harness's query 3 but the
//     partner counts);
//
// The count is a CountNodes call only when the page did not count.
//   - schools-prefecture: the schools of the prefecture with the most
//     schools, by name, a page of 100 and the count;
//   - universities-province: the normal universities of the province with
//     the most of them (two, a rare label among the hundreds of museums
//     and schools located there), the page and the count;
//   - museums-per-province: PlaceNodes and CountPlaceNodes for every
//     province (a list of provinces each with its first 10 museums by name
//     and their number).
func BenchmarkPlaceShapes(b *testing.B) {
	st := referenceStore(b)
	busiest := func(level, l kepu.Label) string {
		b.Helper()
		p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: level})
		if err != nil {
			b.Fatal(err)
		}
		ids := make([]string, len(p.Nodes))
		for i, n := range p.Nodes {
			ids[i] = n.ID
		}
		counts, err := st.CountPlaceNodes(ctx, ids, l, nil)
		if err != nil {
			b.Fatal(err)
		}
		best := ""
		for _, id := range ids {
			if best == "" || counts[id] > counts[best] {
				best = id
			}
		}
		return best
	}
	hundred, ten := 100, 10
	byName := []kepu.OrderKey{{Prop: kepu.PropName}}
	pageAndCount := func(l kepu.Label, f *kepu.Filter) func(b *testing.B) {
		return func(b *testing.B) {
			cpu0 := cpuTime()
			defer func() { b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op") }()
			for b.Loop() {
				p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: l, Filter: f.Clone(), Order: byName, Page: kepu.Page{First: &hundred}})
				if err != nil || len(p.Nodes) == 0 {
					b.Fatal(len(p.Nodes), err)
				}
				if p.Counted {
					continue // totalCount comes with the page
				}
				if _, err := st.CountNodes(ctx, l, f.Clone()); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	in := func(level kepu.Label, id string) *kepu.Filter {
		return &kepu.Filter{Place: &kepu.PlaceCond{Level: level, Filter: kepu.C(kepu.PropID, kepu.Eq, id)}}
	}
	b.Run("museums-province", pageAndCount(kepu.Museum,
		&kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.Province, Filter: kepu.C("code", kepu.Eq, "CN-ZJ")}}))
	b.Run("schools-prefecture", pageAndCount(kepu.School, in(kepu.Prefecture, busiest(kepu.Prefecture, kepu.School))))
	b.Run("universities-province", pageAndCount(kepu.NormalUniversity, in(kepu.Province, busiest(kepu.Province, kepu.NormalUniversity))))
	b.Run("museums-per-province", func(b *testing.B) {
		p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Province})
		if err != nil {
			b.Fatal(err)
		}
		ids := make([]string, len(p.Nodes))
		for i, n := range p.Nodes {
			ids[i] = n.ID
		}
		cpu0 := cpuTime()
		defer func() { b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op") }()
		for b.Loop() {
			if _, err := st.PlaceNodes(ctx, ids, kepu.NodeQuery{Label: kepu.Museum, Order: byName, Page: kepu.Page{First: &ten}}); err != nil {
				b.Fatal(err)
			}
			if _, err := st.CountPlaceNodes(ctx, ids, kepu.Museum, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}
