package embedded_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/kepu"
)

// planQueries are the filters and orders the differential test pages
// through: every kind of candidate (ID, index equality, list, range and
// prefix, place at each level) and of order walk (ID, a property up and
// down, several keys, absent values).
func planQueries() (filters []*kepu.Filter, orders [][]kepu.OrderKey) {
	place := func(l kepu.Label, f *kepu.Filter) *kepu.Filter {
		return &kepu.Filter{Place: &kepu.PlaceCond{Level: l, Filter: f}}
	}
	filters = []*kepu.Filter{
		nil,
		kepu.C("kind", kepu.Eq, "MOBILE"),
		kepu.C("kind", kepu.OneOf, []any{"CARAVAN", "RURAL_SCHOOL", "CARAVAN"}),
		kepu.C("openedYear", kepu.Gte, int64(2010)),
		kepu.C("openedYear", kepu.Lt, int64(1960)),
		kepu.And(kepu.C("openedYear", kepu.Gt, int64(1990)), kepu.C("openedYear", kepu.Lte, int64(1995)), kepu.C("freeEntry", kepu.Eq, true)),
		kepu.C("name", kepu.StartsWith, "Museum 1"),
		kepu.C(kepu.PropID, kepu.OneOf, []any{"Museum:m0000003", "Museum:m0000010", "School:s0000001", "Museum:none"}),
		place(kepu.Province, kepu.C("code", kepu.Eq, "CN-03")),
		place(kepu.Province, kepu.C("code", kepu.OneOf, []any{"CN-01", "CN-02"})),
		place(kepu.Prefecture, kepu.C(kepu.PropID, kepu.Eq, "Prefecture:000004")),
		place(kepu.County, kepu.C("name", kepu.StartsWith, "County 1")),
		kepu.And(place(kepu.Province, kepu.C("code", kepu.Eq, "CN-05")), kepu.C("kind", kepu.Eq, "STANDARD")),
		kepu.And(place(kepu.Province, kepu.C("code", kepu.Ne, "CN-05")), kepu.C("openedYear", kepu.Eq, int64(2000))),
		{Or: []*kepu.Filter{kepu.C("kind", kepu.Eq, "DIGITAL"), kepu.C("openedYear", kepu.Eq, int64(1999))}},
		{Not: kepu.C("kind", kepu.Eq, "MOBILE")},
		kepu.C("city", kepu.Eq, nil),
	}
	orders = [][]kepu.OrderKey{
		nil,
		{{Prop: kepu.PropID, Desc: true}},
		{{Prop: kepu.PropName}},
		{{Prop: kepu.PropName, Desc: true}},
		{{Prop: "openedYear", Desc: true}},
		{{Prop: "kind"}, {Prop: "openedYear", Desc: true}},
		{{Prop: "city"}},
		{{Prop: "city", Desc: true}, {Prop: kepu.PropName}},
		{{Count: &kepu.RelCount{Rel: kepu.PartnersWith, Dir: kepu.Out}, Desc: true}},
	}
	return filters, orders
}

// pageAll pages through a query forward (First 40) and returns the IDs.
// A page that says it is counted (kepu.NodePage.Counted) must carry total,
// the query's CountNodes.
func pageAll(t *testing.T, st *embedded.Store, q kepu.NodeQuery, total int) []string {
	t.Helper()
	var ids []string
	seven := 40
	q.Page = kepu.Page{First: &seven}
	for range 10000 {
		p, err := st.FindNodes(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if p.Counted && p.Total != total {
			t.Fatalf("FindNodes(%+v): counted page says %d matches, CountNodes %d", q, p.Total, total)
		}
		for _, n := range p.Nodes {
			ids = append(ids, n.ID)
		}
		if !p.HasNext {
			return ids
		}
		q.Page.After = p.Cursors[len(p.Cursors)-1]
	}
	t.Fatal("pageAll: no end")
	return nil
}

// planAnswers returns, for every query, its pages, count and per-place
// pages and counts, as text.
func planAnswers(t *testing.T, st *embedded.Store) []string {
	t.Helper()
	filters, orders := planQueries()
	places := []string{"Province:P03", "Prefecture:000004", "County:0000012", "County:0000012", "Province:P99"}
	var out []string
	for fi, f := range filters {
		n, err := st.CountNodes(ctx, kepu.Museum, f.Clone())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("filter %d count %d", fi, n))
		g, err := st.Aggregate(ctx, kepu.AggregateQuery{Label: kepu.Museum, Filter: f.Clone(), GroupBy: "kind", Sum: []string{"openedYear"}})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("filter %d aggregate %v", fi, g))
		counts, err := st.CountPlaceNodes(ctx, places, kepu.Museum, f.Clone())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("filter %d place counts %v", fi, counts))
		for oi, o := range orders {
			out = append(out, fmt.Sprintf("filter %d order %d: %v", fi, oi, pageAll(t, st, kepu.NodeQuery{Label: kepu.Museum, Filter: f.Clone(), Order: o}, n)))
			all, err := st.PlaceNodes(ctx, places, kepu.NodeQuery{Label: kepu.Museum, Filter: f.Clone(), Order: o})
			if err != nil {
				t.Fatal(err)
			}
			for _, pid := range places {
				if p := all[pid]; p.Counted && p.Total != counts[pid] {
					t.Fatalf("filter %d order %d place %s: counted page says %d matches, CountPlaceNodes %d", fi, oi, pid, p.Total, counts[pid])
				}
				var ids []string
				for _, n := range all[pid].Nodes {
					ids = append(ids, n.ID)
				}
				out = append(out, fmt.Sprintf("filter %d order %d place %s: %v", fi, oi, pid, ids))
			}
		}
	}
	return out
}

// TestPlannerMatchesScan compares every answer of the planner (candidates
// from indexes, ID lookups and place walks; order walks over the indexes;
// per-place walks) with the answer of a scan of the label, before and after
// writes that change, add and delete indexed nodes and their places.
func TestPlannerMatchesScan(t *testing.T) {
	dir := t.TempDir()
	st, err := embedded.Open(dir, embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	genGraph(t, st, 3000, 6000)
	compare := func(stage string) {
		t.Helper()
		got := planAnswers(t, st)
		restore := embedded.SetPlanner(false)
		want := planAnswers(t, st)
		restore()
		if len(got) != len(want) {
			t.Fatalf("%s: %d answers, want %d", stage, len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s: planner answered\n%s\nscan answered\n%s", stage, got[i], want[i])
			}
		}
	}
	compare("after load")
	// Writes after the indexes exist: they must be kept current.
	r := rand.New(rand.NewPCG(3, 4))
	var changes []kepu.Change
	for i := range 400 {
		id := fmt.Sprintf("Museum:m%07d", r.IntN(1000)) // deletions take 1000 and up
		switch i % 5 {
		case 0:
			changes = append(changes, kepu.Change{Kind: kepu.UpdateNode, ID: id, Set: kepu.Props{"name": fmt.Sprintf("Museum %d", r.IntN(100)), "kind": kepu.MuseumKinds[r.IntN(len(kepu.MuseumKinds))]}})
		case 1:
			changes = append(changes, kepu.Change{Kind: kepu.UpdateNode, ID: id, Set: kepu.Props{"openedYear": int64(1950 + r.IntN(75)), "city": fmt.Sprintf("City %d", r.IntN(5))}})
		case 2:
			changes = append(changes, kepu.Change{Kind: kepu.UpdateNode, ID: id, Unset: []string{"openedYear", "city"}})
		case 3:
			changes = append(changes, kepu.Change{Kind: kepu.DeleteNode, ID: fmt.Sprintf("Museum:m%07d", 1000+i)})
		case 4:
			nid := fmt.Sprintf("Museum:new%04d", i)
			changes = append(changes,
				kepu.Change{Kind: kepu.PutNode, Node: kepu.Node{ID: nid, Label: kepu.Museum, Props: kepu.Props{
					"name": fmt.Sprintf("Museum %d", r.IntN(100)), "kind": "STANDARD", "openedYear": int64(2000 + r.IntN(3)),
					"provenance": kepu.Generated, "source": "generated"}}},
				kepu.Change{Kind: kepu.PutEdge, Edge: kepu.Edge{Type: kepu.LocatedIn, From: nid, To: fmt.Sprintf("County:%07d", r.IntN(100)),
					Props: kepu.Props{"provenance": kepu.Generated, "source": "generated"}}})
		}
		if len(changes) >= 40 {
			if _, err := st.Write(ctx, changes); err != nil {
				t.Fatal(err)
			}
			changes = changes[:0]
		}
	}
	// A museum moves to another county, and a county to another prefecture.
	if _, err := st.Write(ctx, []kepu.Change{
		{Kind: kepu.DeleteEdge, Edge: kepu.Edge{Type: kepu.PartOf, From: "County:0000012", To: "Prefecture:000002"}, IfExists: true},
		{Kind: kepu.PutEdge, Edge: kepu.Edge{Type: kepu.PartOf, From: "County:0000012", To: "Prefecture:000004", Props: kepu.Props{"provenance": kepu.Generated, "source": "generated"}}},
	}); err != nil {
		t.Fatal(err)
	}
	compare("after writes")
}

// TestIndexesUnderConcurrency builds indexes from concurrent readers (each
// its own order, several at once) while a writer moves nodes in those
// orders; run with -race (make check) it checks the locking, and every page
// must stay sorted.
func TestIndexesUnderConcurrency(t *testing.T) {
	st, err := embedded.Open(t.TempDir(), embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	genGraph(t, st, 1500, 2000)
	_, orders := planQueries()
	done := make(chan struct{})
	errs := make(chan error, len(orders)+1)
	go func() {
		defer func() { errs <- nil }()
		r := rand.New(rand.NewPCG(5, 6))
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			id := fmt.Sprintf("Museum:m%07d", r.IntN(500))
			if _, err := st.Write(ctx, []kepu.Change{{Kind: kepu.UpdateNode, ID: id,
				Set: kepu.Props{"name": fmt.Sprintf("Museum %d", r.IntN(50)), "openedYear": int64(1950 + r.IntN(75))}}}); err != nil {
				errs <- err
				return
			}
		}
	}()
	for _, order := range orders {
		go func() {
			for range 30 {
				twenty := 20
				p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Order: order, Page: kepu.Page{First: &twenty}})
				if err != nil {
					errs <- err
					return
				}
				for i := 1; i < len(p.Nodes); i++ {
					a, b := p.Nodes[i-1], p.Nodes[i]
					for _, k := range order {
						if k.Count != nil || k.Prop == kepu.PropID {
							break
						}
						c := kepu.CompareValues(a.Props[k.Prop], b.Props[k.Prop])
						if k.Desc {
							c = -c
						}
						if c > 0 {
							errs <- fmt.Errorf("order %v: %s before %s", order, a.ID, b.ID)
							return
						}
						if c < 0 {
							break
						}
					}
				}
			}
			errs <- nil
		}()
	}
	for range orders {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
}

// TestCountedPages checks which pages carry their count
// (kepu.NodePage.Counted), so that totalCount costs no second pass: those
// that read every match (from candidates, a scan, a walk from the start to
// the end of an order, a place's list), and not those of a walk that
// stopped at a full page or started at a cursor. Each total is CountNodes'.
func TestCountedPages(t *testing.T) {
	st, err := embedded.Open(t.TempDir(), embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	genGraph(t, st, 1500, 2000)
	museums, err := st.CountNodes(ctx, kepu.Museum, nil)
	if err != nil {
		t.Fatal(err)
	}
	inP03 := &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.Province, Filter: kepu.C("code", kepu.Eq, "CN-03")}}
	byName := []kepu.OrderKey{{Prop: kepu.PropName}}
	byPartners := []kepu.OrderKey{{Count: &kepu.RelCount{Rel: kepu.PartnersWith, Dir: kepu.Out}, Desc: true}}
	ten, all := 10, museums+1
	first, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Order: byName, Page: kepu.Page{First: &ten}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		q       kepu.NodeQuery
		counted bool
	}{
		{"place candidates by name", kepu.NodeQuery{Label: kepu.Museum, Filter: inP03, Order: byName, Page: kepu.Page{First: &ten}}, true},
		{"scan by partner count", kepu.NodeQuery{Label: kepu.Museum, Order: byPartners, Page: kepu.Page{First: &ten}}, true},
		{"whole label by name", kepu.NodeQuery{Label: kepu.Museum, Order: byName, Page: kepu.Page{First: &all}}, true},
		{"whole label by ID", kepu.NodeQuery{Label: kepu.Museum, Page: kepu.Page{First: &all}}, true},
		{"first page by name", kepu.NodeQuery{Label: kepu.Museum, Order: byName, Page: kepu.Page{First: &ten}}, false},
		{"first page by ID", kepu.NodeQuery{Label: kepu.Museum, Page: kepu.Page{First: &ten}}, false},
		{"rest after a cursor", kepu.NodeQuery{Label: kepu.Museum, Order: byName, Page: kepu.Page{First: &all, After: first.Cursors[9]}}, false},
	} {
		p, err := st.FindNodes(ctx, tc.q)
		if err != nil {
			t.Fatal(err)
		}
		want, err := st.CountNodes(ctx, tc.q.Label, tc.q.Filter)
		if err != nil {
			t.Fatal(err)
		}
		if p.Counted != tc.counted || (p.Counted && p.Total != want) {
			t.Errorf("%s: Counted %v Total %d, want %v and %d (CountNodes)", tc.name, p.Counted, p.Total, tc.counted, want)
		}
	}
	places := []string{"Province:P03", "County:0000012"}
	pages, err := st.PlaceNodes(ctx, places, kepu.NodeQuery{Label: kepu.Museum, Order: byName, Page: kepu.Page{First: &ten}})
	if err != nil {
		t.Fatal(err)
	}
	counts, err := st.CountPlaceNodes(ctx, places, kepu.Museum, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, pid := range places {
		if p := pages[pid]; !p.Counted || p.Total != counts[pid] || counts[pid] == 0 {
			t.Errorf("PlaceNodes in %s: Counted %v Total %d, want true and %d (CountPlaceNodes)", pid, p.Counted, p.Total, counts[pid])
		}
	}
}
