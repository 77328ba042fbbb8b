package storetest

// Conformance test of the counts pages may carry (kepu.NodePage.Counted).

import (
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// testPageTotals checks that a page of FindNodes or PlaceNodes that says
// it is counted carries the count of CountNodes or CountPlaceNodes, for
// filters, orders and pages of every shape (a store may count none).
func testPageTotals(t *testing.T, st kepu.Store) {
	loadGraph(t, st)
	inAH := &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.Province, Filter: kepu.C("code", kepu.Eq, "CN-AH")}}
	byName := []kepu.OrderKey{{Prop: kepu.PropName}}
	byPartners := []kepu.OrderKey{{Count: &kepu.RelCount{Rel: kepu.PartnersWith, Dir: kepu.Out}, Desc: true}}
	filters := []*kepu.Filter{nil, inAH, kepu.C("freeEntry", kepu.Eq, true), kepu.C("openedYear", kepu.Gte, int64(1990)),
		&kepu.Filter{Rel: &kepu.RelCond{Rel: kepu.PartnersWith, Dir: kepu.Out, Quant: kepu.Some}}, kepu.C("name", kepu.Eq, "none such")}
	orders := [][]kepu.OrderKey{nil, byName, {{Prop: kepu.PropID, Desc: true}}, byPartners}
	places := []string{pAH, pBJ, fHefei, cYaohai, cLuyang}
	counted := 0
	for _, f := range filters {
		want, err := st.CountNodes(ctx, kepu.Museum, f.Clone())
		if err != nil {
			t.Fatal(err)
		}
		wantIn, err := st.CountPlaceNodes(ctx, places, kepu.Museum, f.Clone())
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range orders {
			first, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Filter: f.Clone(), Order: o, Page: kepu.Page{First: ptr(1)}})
			if err != nil {
				t.Fatal(err)
			}
			pages := []kepu.Page{{}, {First: ptr(1)}, {First: ptr(10)}, {Last: ptr(1)}}
			if len(first.Cursors) > 0 {
				pages = append(pages, kepu.Page{First: ptr(10), After: first.Cursors[0]})
			}
			for _, pg := range pages {
				q := kepu.NodeQuery{Label: kepu.Museum, Filter: f.Clone(), Order: o, Page: pg}
				p, err := st.FindNodes(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if p.Counted {
					counted++
					if p.Total != want {
						t.Errorf("FindNodes(filter %v, order %v, page %+v): counted %d, CountNodes %d", f, o, pg, p.Total, want)
					}
				}
				m, err := st.PlaceNodes(ctx, places, kepu.NodeQuery{Label: kepu.Museum, Filter: f.Clone(), Order: o, Page: pg})
				if err != nil {
					t.Fatal(err)
				}
				for _, pid := range places {
					if p := m[pid]; p.Counted && p.Total != wantIn[pid] {
						t.Errorf("PlaceNodes(%s, filter %v, order %v, page %+v): counted %d, CountPlaceNodes %d", pid, f, o, pg, p.Total, wantIn[pid])
					}
				}
			}
		}
	}
	t.Logf("%d of %d FindNodes pages counted", counted, len(filters)*len(orders)*5)
}
