package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// placeNodes calls PlaceNodes and checks the shape of its answer: one page
// per distinct place, a cursor per node.
func placeNodes(t *testing.T, st kepu.Store, places []string, q kepu.NodeQuery) map[string]kepu.NodePage {
	t.Helper()
	m, err := st.PlaceNodes(ctx, places, q)
	if err != nil {
		t.Fatalf("PlaceNodes(%v): %v", places, err)
	}
	distinct := map[string]bool{}
	for _, id := range places {
		distinct[id] = true
		if _, ok := m[id]; !ok {
			t.Fatalf("PlaceNodes: no page for %s", id)
		}
	}
	if len(m) != len(distinct) {
		t.Fatalf("PlaceNodes: %d pages for %d places", len(m), len(distinct))
	}
	for id, p := range m {
		if len(p.Cursors) != len(p.Nodes) {
			t.Fatalf("PlaceNodes: %s has %d cursors for %d nodes", id, len(p.Cursors), len(p.Nodes))
		}
	}
	return m
}

// samePage checks that a page of PlaceNodes is the page of FindNodes with
// the place filter: the same nodes, cursors and flags.
func samePage(t *testing.T, what string, got, want kepu.NodePage) {
	t.Helper()
	wantIDs(t, what, nodeIDs(got.Nodes), nodeIDs(want.Nodes)...)
	if got.HasNext != want.HasNext || got.HasPrev != want.HasPrev {
		t.Fatalf("%s: HasNext %v HasPrev %v, FindNodes says %v %v", what, got.HasNext, got.HasPrev, want.HasNext, want.HasPrev)
	}
	if !slices.Equal(got.Cursors, want.Cursors) {
		t.Fatalf("%s: cursors differ from those of FindNodes", what)
	}
	for i, n := range got.Nodes {
		if n.Label == "" || n.Props[kepu.PropName] != want.Nodes[i].Props[kepu.PropName] {
			t.Fatalf("%s: node %d = %+v, want %+v", what, i, n, want.Nodes[i])
		}
	}
}

// inPlace is FindNodes with the place filter ANDed to f.
func inPlace(t *testing.T, st kepu.Store, place string, q kepu.NodeQuery) kepu.NodePage {
	t.Helper()
	q.Filter = kepu.And(kepu.InPlace(place), q.Filter.Clone())
	p, err := st.FindNodes(ctx, q)
	if err != nil {
		t.Fatalf("FindNodes in %s: %v", place, err)
	}
	return p
}

func testPlaceNodes(t *testing.T, st kepu.Store) {
	loadGraph(t, st)
	ghost := "Province:ghost"
	places := []string{pAH, pBJ, fHefei, cYaohai, cLuyang, cChaoyang, ghost}
	museums := kepu.NodeQuery{Label: kepu.Museum}
	m := placeNodes(t, st, places, museums)
	// A museum is in its county, the county's prefecture and province (the
	// caravan only in its province); the mobile museum is nowhere.
	wantIDs(t, "museums of Anhui", nodeIDs(m[pAH].Nodes), mAH, mCaravan)
	wantIDs(t, "museums of Beijing", nodeIDs(m[pBJ].Nodes), mCSTM)
	wantIDs(t, "museums of Hefei", nodeIDs(m[fHefei].Nodes), mAH)
	wantIDs(t, "museums of Yaohai", nodeIDs(m[cYaohai].Nodes), mAH)
	wantIDs(t, "museums of Luyang", nodeIDs(m[cLuyang].Nodes))
	wantIDs(t, "museums of Chaoyang", nodeIDs(m[cChaoyang].Nodes), mCSTM)
	wantIDs(t, "museums of a missing place", nodeIDs(m[ghost].Nodes))
	if p := m[ghost]; p.HasNext || p.HasPrev {
		t.Fatalf("missing place: %+v", p)
	}
	if n := m[pBJ].Nodes[0]; n.Label != kepu.Museum || n.Props["nameZh"] != "中国科学技术馆" || n.Props["openedYear"] != int64(1988) {
		t.Fatalf("node = %+v", n)
	}
	// Every place, filter and order agrees with FindNodes and the place
	// filter, cursors included.
	queries := []kepu.NodeQuery{
		museums,
		{Label: kepu.Museum, Filter: kepu.C("kind", kepu.Eq, "STANDARD")},
		{Label: kepu.Museum, Filter: kepu.C("freeEntry", kepu.Eq, false)},
		{Label: kepu.Museum, Order: []kepu.OrderKey{{Prop: kepu.PropName, Desc: true}}},
		{Label: kepu.Museum, Order: []kepu.OrderKey{{Prop: "openedYear"}}, Page: kepu.Page{First: ptr(1)}},
		{Label: kepu.Museum, Order: []kepu.OrderKey{{Prop: kepu.PropID, Desc: true}}, Page: kepu.Page{Last: ptr(1)}},
		{Label: kepu.Museum, Order: []kepu.OrderKey{{Count: &kepu.RelCount{Rel: kepu.PartnersWith, Dir: kepu.Out}, Desc: true}}},
		{Label: kepu.Museum, Filter: &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.County}}, Page: kepu.Page{First: ptr(0)}},
		{Label: kepu.School, Order: []kepu.OrderKey{{Prop: "stage"}}},
		{Label: kepu.County, Order: []kepu.OrderKey{{Prop: kepu.PropName}}},
		{Label: kepu.Prefecture},
		{Label: kepu.Province, Filter: kepu.C("code", kepu.StartsWith, "CN-")},
	}
	for qi, q := range queries {
		m := placeNodes(t, st, places, q)
		for _, pid := range places {
			samePage(t, fmt.Sprintf("query %d in %s", qi, pid), m[pid], inPlace(t, st, pid, q))
		}
	}
	// Places of their own level and above.
	m = placeNodes(t, st, []string{pAH, pBJ, cChaoyang, fHefei}, kepu.NodeQuery{Label: kepu.County})
	wantIDs(t, "counties of Anhui", nodeIDs(m[pAH].Nodes), cYaohai, cLuyang)
	wantIDs(t, "counties of Beijing", nodeIDs(m[pBJ].Nodes), cChaoyang)
	wantIDs(t, "county itself", nodeIDs(m[cChaoyang].Nodes), cChaoyang)
	wantIDs(t, "counties of Hefei", nodeIDs(m[fHefei].Nodes), cYaohai, cLuyang)
	m = placeNodes(t, st, []string{cLuyang, pBJ}, kepu.NodeQuery{Label: kepu.School, Filter: kepu.C("rural", kepu.Eq, true)})
	wantIDs(t, "rural schools of Luyang", nodeIDs(m[cLuyang].Nodes), s1)
	wantIDs(t, "rural schools of Beijing", nodeIDs(m[pBJ].Nodes))
	// A place listed twice is answered once; no place gives no page.
	m = placeNodes(t, st, []string{pAH, pAH, cYaohai}, museums)
	wantIDs(t, "museums of Anhui listed twice", nodeIDs(m[pAH].Nodes), mAH, mCaravan)
	if m := placeNodes(t, st, nil, museums); len(m) != 0 {
		t.Fatalf("no places: %v", m)
	}
	// The page flags of an empty list follow FindNodes.
	m = placeNodes(t, st, []string{cLuyang}, kepu.NodeQuery{Label: kepu.Museum, Page: kepu.Page{First: ptr(2)}})
	if p := m[cLuyang]; len(p.Nodes) != 0 || p.HasNext || p.HasPrev {
		t.Fatalf("empty first page: %+v", p)
	}
	// Reads see writes: a museum moved from Yaohai to Chaoyang.
	mustWrite(t, st,
		kepu.Change{Kind: kepu.DeleteEdge, Edge: kepu.Edge{Type: kepu.LocatedIn, From: mAH, To: cYaohai}},
		kepu.Change{Kind: kepu.PutEdge, Edge: E(kepu.LocatedIn, mAH, cChaoyang)})
	m = placeNodes(t, st, []string{pAH, pBJ, cYaohai}, museums)
	wantIDs(t, "Anhui after the move", nodeIDs(m[pAH].Nodes), mCaravan)
	wantIDs(t, "Beijing after the move", nodeIDs(m[pBJ].Nodes), mAH, mCSTM)
	wantIDs(t, "Yaohai after the move", nodeIDs(m[cYaohai].Nodes))
}

// placePagingFixture writes a province with a prefecture of two counties
// and a county directly under it, and museums spread over them (some with
// absent sort values), plus a second province with a few museums.
func placePagingFixture(t *testing.T, st kepu.Store) (places []string, sizes map[string]int) {
	t.Helper()
	const (
		px, py   = "Province:PX", "Province:PY"
		fx       = "Prefecture:PX1"
		ca, cb   = "County:PXa", "County:PXb"
		cc, cy   = "County:PXc", "County:PYa"
		museumsN = 19
	)
	nodes := []kepu.Node{
		N(px, "code", "CN-PX"), N(py, "code", "CN-PY"), N(fx, "gbCode", "1"),
		N(ca, "gbCode", "2"), N(cb, "gbCode", "3"), N(cc, "gbCode", "4"), N(cy, "gbCode", "5"),
	}
	edges := []kepu.Edge{E(kepu.PartOf, fx, px), E(kepu.PartOf, ca, fx), E(kepu.PartOf, cb, fx), E(kepu.PartOf, cc, px), E(kepu.PartOf, cy, py)}
	homes := []string{ca, ca, cb, cc, ca, px, cb, ca, cy, cc, ca, fx, cb, py, ca, cy, cc, ca, cb}
	for i := range museumsN {
		id := fmt.Sprintf("Museum:x%02d", i)
		var year any
		if i%4 != 1 {
			year = 1990 + i%5
		}
		kinds := []string{"STANDARD", "MOBILE", "CARAVAN"}
		nodes = append(nodes, N(id, "name", fmt.Sprintf("M %d", i%6), "kind", kinds[i%3], "openedYear", year))
		edges = append(edges, E(kepu.LocatedIn, id, homes[i]))
	}
	mustWrite(t, st, putNodes(nodes...)...)
	mustWrite(t, st, putEdges(edges...)...)
	places = []string{px, py, fx, ca, cb, cc, cy, "County:PXnone"}
	sizes = map[string]int{px: 16, py: 3, fx: 12, ca: 7, cb: 4, cc: 3, cy: 2, "County:PXnone": 0}
	return places, sizes
}

func testPlaceNodesPaging(t *testing.T, st kepu.Store) {
	places, sizes := placePagingFixture(t, st)
	orders := [][]kepu.OrderKey{
		nil,
		{{Prop: kepu.PropName}},
		{{Prop: "openedYear", Desc: true}, {Prop: kepu.PropName}},
		{{Prop: "openedYear"}},
		{{Prop: kepu.PropID, Desc: true}},
	}
	filters := []*kepu.Filter{nil, kepu.C("kind", kepu.Ne, "MOBILE")}
	for oi, order := range orders {
		for fi, f := range filters {
			all := placeNodes(t, st, places, kepu.NodeQuery{Label: kepu.Museum, Filter: f, Order: order})
			for _, pid := range places {
				if f == nil && len(all[pid].Nodes) != sizes[pid] {
					t.Fatalf("order %d: %s has %d museums, want %d", oi, pid, len(all[pid].Nodes), sizes[pid])
				}
				if all[pid].HasNext || all[pid].HasPrev {
					t.Fatalf("order %d filter %d: full list of %s says HasNext %v HasPrev %v", oi, fi, pid, all[pid].HasNext, all[pid].HasPrev)
				}
				if order != nil && len(all[pid].Nodes) > 0 {
					checkSorted(t, all[pid].Nodes, order)
				}
				samePage(t, fmt.Sprintf("order %d filter %d full list of %s", oi, fi, pid), all[pid],
					inPlace(t, st, pid, kepu.NodeQuery{Label: kepu.Museum, Filter: f, Order: order}))
			}
			for _, size := range []int{1, 2, 3, 7} {
				what := fmt.Sprintf("order %d filter %d size %d", oi, fi, size)
				pagePlaces(t, st, what, places, kepu.NodeQuery{Label: kepu.Museum, Filter: f, Order: order}, size, all, false)
				pagePlaces(t, st, what, places, kepu.NodeQuery{Label: kepu.Museum, Filter: f, Order: order}, size, all, true)
			}
		}
	}
	// A window between two cursors of one place, and cursors shared with
	// FindNodes both ways.
	const px = "Province:PX"
	byName := kepu.NodeQuery{Label: kepu.Museum, Order: []kepu.OrderKey{{Prop: kepu.PropName}}}
	full := placeNodes(t, st, []string{px}, byName)[px]
	q := byName
	q.Page = kepu.Page{After: full.Cursors[2], Before: full.Cursors[8]}
	p := placeNodes(t, st, []string{px}, q)[px]
	wantIDs(t, "between two cursors", nodeIDs(p.Nodes), nodeIDs(full.Nodes[3:8])...)
	if !p.HasNext || !p.HasPrev {
		t.Fatalf("between two cursors: HasNext %v HasPrev %v", p.HasNext, p.HasPrev)
	}
	fq := byName
	fq.Filter = kepu.InPlace(px)
	fq.Page = kepu.Page{First: ptr(4)}
	fp, err := st.FindNodes(ctx, fq)
	if err != nil {
		t.Fatal(err)
	}
	q.Page = kepu.Page{First: ptr(4), After: fp.Cursors[3]}
	p = placeNodes(t, st, []string{px}, q)[px]
	wantIDs(t, "after a FindNodes cursor", nodeIDs(p.Nodes), nodeIDs(full.Nodes[4:8])...)
	fq.Page = kepu.Page{Last: ptr(2), Before: p.Cursors[0]}
	if fp, err = st.FindNodes(ctx, fq); err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "FindNodes before a PlaceNodes cursor", nodeIDs(fp.Nodes), nodeIDs(full.Nodes[2:4])...)
	// The cursor of the last node gives an empty page.
	q.Page = kepu.Page{First: ptr(3), After: full.Cursors[len(full.Cursors)-1]}
	p = placeNodes(t, st, []string{px}, q)[px]
	if len(p.Nodes) != 0 || p.HasNext || !p.HasPrev {
		t.Fatalf("after the last: %d nodes, HasNext %v HasPrev %v", len(p.Nodes), p.HasNext, p.HasPrev)
	}
}

// pagePlaces pages through the list of every place: the first page of all
// places in one call, then each place on with its own cursor, alternating
// PlaceNodes and FindNodes with the place filter (their cursors are
// interchangeable). It checks the pages add up to the full lists in all.
func pagePlaces(t *testing.T, st kepu.Store, what string, places []string, q kepu.NodeQuery, size int, all map[string]kepu.NodePage, backward bool) {
	t.Helper()
	if backward {
		what += " backward"
		q.Page = kepu.Page{Last: ptr(size)}
	} else {
		q.Page = kepu.Page{First: ptr(size)}
	}
	first := placeNodes(t, st, places, q)
	for _, pid := range places {
		want := nodeIDs(all[pid].Nodes)
		p := first[pid]
		var got []string
		for call := 0; ; call++ {
			if call > len(want)+1 {
				t.Fatalf("%s: paging %s does not end", what, pid)
			}
			if len(p.Nodes) > size {
				t.Fatalf("%s: page of %d nodes in %s", what, len(p.Nodes), pid)
			}
			more := p.HasNext
			if backward {
				got = append(nodeIDs(p.Nodes), got...)
				more = p.HasPrev
				if wantMore := len(got) < len(want); more != wantMore || p.HasNext != (call > 0) {
					t.Fatalf("%s: %s HasPrev %v HasNext %v with %d of %d", what, pid, p.HasPrev, p.HasNext, len(got), len(want))
				}
			} else {
				got = append(got, nodeIDs(p.Nodes)...)
				if wantMore := len(got) < len(want); more != wantMore || p.HasPrev != (call > 0) {
					t.Fatalf("%s: %s HasNext %v HasPrev %v with %d of %d", what, pid, p.HasNext, p.HasPrev, len(got), len(want))
				}
			}
			if !more {
				break
			}
			next := q
			if backward {
				next.Page.Before = p.Cursors[0]
			} else {
				next.Page.After = p.Cursors[len(p.Cursors)-1]
			}
			if call%2 == 0 {
				p = placeNodes(t, st, []string{pid}, next)[pid]
			} else {
				p = inPlace(t, st, pid, next)
			}
		}
		wantIDs(t, what+" in "+pid, got, want...)
	}
}

func testCountPlaceNodes(t *testing.T, st kepu.Store) {
	loadGraph(t, st)
	places, sizes := placePagingFixture(t, st)
	places = append(places, pAH, pBJ, fHefei, cYaohai, cLuyang, cChaoyang, "Prefecture:ghost")
	for _, f := range []*kepu.Filter{nil, kepu.C("kind", kepu.Eq, "STANDARD"), kepu.C("openedYear", kepu.Gte, 1992), {Or: []*kepu.Filter{}}} {
		got, err := st.CountPlaceNodes(ctx, places, kepu.Museum, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(places) {
			t.Fatalf("%d counts for %d places", len(got), len(places))
		}
		for _, pid := range places {
			n, err := st.CountNodes(ctx, kepu.Museum, kepu.And(kepu.InPlace(pid), f.Clone()))
			if err != nil {
				t.Fatal(err)
			}
			if c, ok := got[pid]; !ok || c != n {
				t.Fatalf("filter %+v: %s counts %d (present %v), CountNodes says %d", f, pid, c, ok, n)
			}
			if w, ok := sizes[pid]; ok && f == nil && n != w {
				t.Fatalf("%s counts %d, want %d", pid, n, w)
			}
		}
	}
	got, err := st.CountPlaceNodes(ctx, []string{pAH, pAH, pBJ, fHefei, cChaoyang}, kepu.Museum, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{pAH: 2, pBJ: 1, fHefei: 1, cChaoyang: 1}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("counts = %v, want %v", got, want)
	}
	got, err = st.CountPlaceNodes(ctx, []string{pAH, cLuyang}, kepu.County, nil)
	if err != nil || got[pAH] != 2 || got[cLuyang] != 1 {
		t.Fatalf("counties = %v, %v", got, err)
	}
	if got, err := st.CountPlaceNodes(ctx, nil, kepu.Museum, nil); err != nil || len(got) != 0 {
		t.Fatalf("no places: %v, %v", got, err)
	}
}

func testPlaceNodesErrors(t *testing.T, st kepu.Store) {
	loadGraph(t, st)
	byName := []kepu.OrderKey{{Prop: kepu.PropName}}
	p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Order: byName, Page: kepu.Page{First: ptr(1)}})
	if err != nil {
		t.Fatal(err)
	}
	schools, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.School, Order: byName, Page: kepu.Page{First: ptr(1)}})
	if err != nil {
		t.Fatal(err)
	}
	nb, err := st.Neighbors(ctx, []string{mAH}, kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out, Page: kepu.Page{First: ptr(1)}})
	if err != nil {
		t.Fatal(err)
	}
	ok := []string{pAH, cChaoyang}
	for i, tc := range []struct {
		places []string
		q      kepu.NodeQuery
	}{
		{[]string{pAH, mCSTM}, kepu.NodeQuery{Label: kepu.Museum}},
		{[]string{"garbage"}, kepu.NodeQuery{Label: kepu.Museum}},
		{[]string{""}, kepu.NodeQuery{Label: kepu.Museum}},
		{[]string{"Planet:earth"}, kepu.NodeQuery{Label: kepu.Museum}},
		{ok, kepu.NodeQuery{Label: "Planet"}},
		{ok, kepu.NodeQuery{Label: kepu.Museum, Filter: kepu.C("stage", kepu.Eq, "PRIMARY")}},
		{ok, kepu.NodeQuery{Label: kepu.Museum, Filter: kepu.C("openedYear", kepu.Eq, "x")}},
		{ok, kepu.NodeQuery{Label: kepu.Museum, Order: []kepu.OrderKey{{Prop: "nope"}}}},
		{ok, kepu.NodeQuery{Label: kepu.Museum, Page: kepu.Page{First: ptr(-1)}}},
		{ok, kepu.NodeQuery{Label: kepu.Museum, Page: kepu.Page{First: ptr(1), Last: ptr(1)}}},
		{ok, kepu.NodeQuery{Label: kepu.Museum, Order: byName, Page: kepu.Page{First: ptr(1), After: "garbage"}}},
		// Cursors of another order, label or list, also with no place.
		{ok, kepu.NodeQuery{Label: kepu.Museum, Page: kepu.Page{First: ptr(1), After: p.Cursors[0]}}},
		{ok, kepu.NodeQuery{Label: kepu.Museum, Order: byName, Page: kepu.Page{Last: ptr(1), Before: schools.Cursors[0]}}},
		{ok, kepu.NodeQuery{Label: kepu.Museum, Page: kepu.Page{First: ptr(1), After: nb[mAH].Items[0].Cursor}}},
		{nil, kepu.NodeQuery{Label: kepu.Museum, Order: byName, Page: kepu.Page{First: ptr(1), After: "garbage"}}},
	} {
		_, err := st.PlaceNodes(ctx, tc.places, tc.q)
		if kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Errorf("PlaceNodes case %d: code %q (%v), want BAD_USER_INPUT", i, kepu.ErrorCode(err), err)
		}
	}
	for i, tc := range []struct {
		places []string
		l      kepu.Label
		f      *kepu.Filter
	}{
		{[]string{pAH, s1}, kepu.Museum, nil},
		{[]string{"Province"}, kepu.Museum, nil},
		{ok, "Planet", nil},
		{ok, kepu.Museum, kepu.C("nope", kepu.Eq, 1)},
		{ok, kepu.Museum, kepu.C("freeEntry", kepu.Gt, "x")},
	} {
		_, err := st.CountPlaceNodes(ctx, tc.places, tc.l, tc.f)
		if kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Errorf("CountPlaceNodes case %d: code %q (%v), want BAD_USER_INPUT", i, kepu.ErrorCode(err), err)
		}
	}
}
