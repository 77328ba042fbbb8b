package storetest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

func neighborIDs(p kepu.NeighborPage) []string {
	out := make([]string, len(p.Items))
	for i, it := range p.Items {
		out[i] = it.Node.ID
	}
	return out
}

func testNeighbors(t *testing.T, st kepu.Store) {
	loadGraph(t, st)
	ghost := "Museum:ghost"
	out := kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out}
	m, err := st.Neighbors(ctx, []string{mAH, mCSTM, mMobile, ghost, "garbage"}, out)
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "ahstm partners", neighborIDs(m[mAH]), s1, s2)
	wantIDs(t, "cstm partners", neighborIDs(m[mCSTM]), s2)
	wantIDs(t, "mobile partners", neighborIDs(m[mMobile]))
	wantIDs(t, "ghost partners", neighborIDs(m[ghost]))
	wantIDs(t, "garbage partners", neighborIDs(m["garbage"]))
	if p := m[ghost]; p.HasNext || p.HasPrev {
		t.Fatalf("ghost page = %+v", p)
	}
	it := m[mAH].Items[0]
	if it.Edge.Type != kepu.PartnersWith || it.Edge.From != mAH || it.Edge.To != s1 || it.Edge.Props["since"] != int64(2018) ||
		it.Edge.Props["activities"] != int64(5) || it.Node.Props["stage"] != "PRIMARY" || it.Cursor == "" {
		t.Fatalf("item = %+v", it)
	}
	// Incoming: the edge keeps its direction.
	in := kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.In}
	m, err = st.Neighbors(ctx, []string{s2, s3}, in)
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "s2 partners", neighborIDs(m[s2]), mAH, mCSTM)
	wantIDs(t, "s3 partners", neighborIDs(m[s3]))
	if e := m[s2].Items[1].Edge; e.From != mCSTM || e.To != s2 || e.Props["since"] != int64(2015) {
		t.Fatalf("incoming edge = %+v", e)
	}
	// Node and edge filters.
	q := out
	q.NodeFilter = kepu.C("stage", kepu.Eq, "PRIMARY")
	m, err = st.Neighbors(ctx, []string{mAH, mCSTM}, q)
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "primary partners", neighborIDs(m[mAH]), s1)
	wantIDs(t, "cstm primary partners", neighborIDs(m[mCSTM]))
	q = out
	q.EdgeFilter = kepu.C("since", kepu.Gte, 2019)
	m, err = st.Neighbors(ctx, []string{mAH}, q)
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "recent partners", neighborIDs(m[mAH]), s2)
	// Far ends of several labels, filtered.
	m, err = st.Neighbors(ctx, []string{mCaravan, mCSTM}, kepu.NeighborQuery{Rel: kepu.Covers, Dir: kepu.Out,
		NodeFilter: kepu.C("gbCode", kepu.StartsWith, "3401")})
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "caravan covers", neighborIDs(m[mCaravan]), cYaohai, cLuyang)
	wantIDs(t, "cstm covers", neighborIDs(m[mCSTM]))
	// Ordering by edge and node properties.
	order := func(q kepu.NeighborQuery, keys ...kepu.OrderKey) kepu.NeighborQuery { q.Order = keys; return q }
	cases := []struct {
		id   string
		q    kepu.NeighborQuery
		want []string
	}{
		{mAH, order(out, kepu.OrderKey{Prop: "since", Edge: true, Desc: true}), []string{s2, s1}},
		{mAH, order(out, kepu.OrderKey{Prop: "since", Edge: true}), []string{s1, s2}},
		{mAH, order(out, kepu.OrderKey{Prop: "activities", Edge: true}), []string{s1, s2}},
		{mAH, order(out, kepu.OrderKey{Prop: "activities", Edge: true, Desc: true}), []string{s2, s1}},
		{s1, order(in, kepu.OrderKey{Prop: "since", Edge: true}), []string{mAH, mCaravan}},
		{s1, order(in, kepu.OrderKey{Prop: "since", Edge: true, Desc: true}), []string{mCaravan, mAH}},
		{s2, order(in, kepu.OrderKey{Prop: kepu.PropName, Desc: true}), []string{mCSTM, mAH}},
		{s2, order(in, kepu.OrderKey{Prop: kepu.PropID, Desc: true}), []string{mCSTM, mAH}},
		{s1, order(in, kepu.OrderKey{Count: &kepu.RelCount{Rel: kepu.Covers, Dir: kepu.Out}, Desc: true}), []string{mCaravan, mAH}},
		{mAH, order(out, kepu.OrderKey{Prop: "rural"}), []string{s2, s1}},
	}
	for i, tc := range cases {
		m, err := st.Neighbors(ctx, []string{tc.id}, tc.q)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		wantIDs(t, fmt.Sprintf("order case %d", i), neighborIDs(m[tc.id]), tc.want...)
	}
	// Paging per parent.
	q = order(out, kepu.OrderKey{Prop: "since", Edge: true})
	q.Page = kepu.Page{First: ptr(1)}
	m, err = st.Neighbors(ctx, []string{mAH, mCSTM, mMobile}, q)
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "page ahstm", neighborIDs(m[mAH]), s1)
	wantIDs(t, "page cstm", neighborIDs(m[mCSTM]), s2)
	if !m[mAH].HasNext || m[mCSTM].HasNext || m[mMobile].HasNext || m[mAH].HasPrev {
		t.Fatalf("HasNext: ahstm %v cstm %v mobile %v", m[mAH].HasNext, m[mCSTM].HasNext, m[mMobile].HasNext)
	}
	q.Page.After = m[mAH].Items[0].Cursor
	m, err = st.Neighbors(ctx, []string{mAH}, q)
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "page 2 ahstm", neighborIDs(m[mAH]), s2)
	if m[mAH].HasNext || !m[mAH].HasPrev {
		t.Fatalf("page 2: HasNext %v HasPrev %v", m[mAH].HasNext, m[mAH].HasPrev)
	}
	q.Page = kepu.Page{Last: ptr(1), Before: m[mAH].Items[0].Cursor}
	m, err = st.Neighbors(ctx, []string{mAH}, q)
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "last before", neighborIDs(m[mAH]), s1)
	if m[mAH].HasPrev || !m[mAH].HasNext {
		t.Fatalf("last before: HasNext %v HasPrev %v", m[mAH].HasNext, m[mAH].HasPrev)
	}
	// A larger list paged through in both directions.
	testNeighborPaging(t, st)
	// Invalid queries.
	for i, q := range []kepu.NeighborQuery{
		{Rel: "LIKES", Dir: kepu.Out},
		{Rel: kepu.PartnersWith},
		{Rel: kepu.PartnersWith, Dir: kepu.Out, NodeFilter: kepu.C("kind", kepu.Eq, "STANDARD")},
		{Rel: kepu.PartnersWith, Dir: kepu.Out, EdgeFilter: kepu.C("tours", kepu.Eq, 1)},
		{Rel: kepu.PartnersWith, Dir: kepu.Out, EdgeFilter: kepu.C("since", kepu.Eq, "x")},
		{Rel: kepu.PartnersWith, Dir: kepu.Out, Order: []kepu.OrderKey{{Prop: "tours", Edge: true}}},
		{Rel: kepu.PartnersWith, Dir: kepu.Out, Order: []kepu.OrderKey{{Prop: "nope"}}},
		{Rel: kepu.PartnersWith, Dir: kepu.Out, Page: kepu.Page{First: ptr(2), After: "garbage"}},
	} {
		_, err := st.Neighbors(ctx, []string{mAH}, q)
		if kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Errorf("invalid neighbor query %d: code %q (%v)", i, kepu.ErrorCode(err), err)
		}
	}
}

func testNeighborPaging(t *testing.T, st kepu.Store) {
	t.Helper()
	var nodes []kepu.Node
	var edges []kepu.Edge
	for i := range 17 {
		id := fmt.Sprintf("School:n%02d", i)
		nodes = append(nodes, N(id, "name", fmt.Sprintf("N %d", i%4)))
		var since any
		if i%5 != 0 {
			since = 2000 + i%3
		}
		e := E(kepu.PartnersWith, mMobile, id)
		if since != nil {
			e.Props["since"] = since
		}
		edges = append(edges, e)
	}
	mustWrite(t, st, putNodes(nodes...)...)
	mustWrite(t, st, putEdges(edges...)...)
	for _, order := range [][]kepu.OrderKey{nil, {{Prop: "since", Edge: true, Desc: true}}, {{Prop: kepu.PropName}, {Prop: "since", Edge: true}}} {
		q := kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out, Order: order}
		m, err := st.Neighbors(ctx, []string{mMobile}, q)
		if err != nil {
			t.Fatal(err)
		}
		all := neighborIDs(m[mMobile])
		if len(all) != 17 {
			t.Fatalf("mobile has %d partners, want 17", len(all))
		}
		var got []string
		q.Page = kepu.Page{First: ptr(4)}
		for range 10 {
			m, err := st.Neighbors(ctx, []string{mMobile}, q)
			if err != nil {
				t.Fatal(err)
			}
			p := m[mMobile]
			got = append(got, neighborIDs(p)...)
			if !p.HasNext {
				break
			}
			q.Page.After = p.Items[len(p.Items)-1].Cursor
		}
		wantIDs(t, fmt.Sprintf("neighbor pages %v", order), got, all...)
		got = nil
		q.Page = kepu.Page{Last: ptr(3)}
		for range 10 {
			m, err := st.Neighbors(ctx, []string{mMobile}, q)
			if err != nil {
				t.Fatal(err)
			}
			p := m[mMobile]
			got = append(neighborIDs(p), got...)
			if !p.HasPrev {
				break
			}
			q.Page.Before = p.Items[0].Cursor
		}
		wantIDs(t, fmt.Sprintf("neighbor pages backward %v", order), got, all...)
	}
}

func testCountNeighbors(t *testing.T, st kepu.Store) {
	loadGraph(t, st)
	ids := []string{mAH, mCSTM, mMobile, "Museum:ghost"}
	check := func(what string, q kepu.NeighborQuery, ids []string, want map[string]int) {
		t.Helper()
		got, err := st.CountNeighbors(ctx, ids, q)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		for id, w := range want {
			if got[id] != w {
				t.Fatalf("%s: %s = %d, want %d (all %v)", what, id, got[id], w, got)
			}
		}
	}
	check("all", kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out}, ids, map[string]int{mAH: 2, mCSTM: 1, mMobile: 0, "Museum:ghost": 0})
	check("edge filter", kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out, EdgeFilter: kepu.C("since", kepu.Gte, 2019)}, ids, map[string]int{mAH: 1, mCSTM: 0})
	check("node filter", kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out, NodeFilter: kepu.C("rural", kepu.Eq, true)}, ids, map[string]int{mAH: 1, mCSTM: 0})
	check("order and page ignored", kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out, Order: []kepu.OrderKey{{Prop: "since", Edge: true}}, Page: kepu.Page{First: ptr(1)}}, ids, map[string]int{mAH: 2})
	check("in", kepu.NeighborQuery{Rel: kepu.Covers, Dir: kepu.In}, []string{cYaohai, cLuyang, cChaoyang, pAH, pBJ, fHefei},
		map[string]int{cYaohai: 1, cLuyang: 1, cChaoyang: 1, pAH: 1, pBJ: 1, fHefei: 0})
	check("children", kepu.NeighborQuery{Rel: kepu.PartOf, Dir: kepu.In}, []string{fHefei, pAH, pBJ}, map[string]int{fHefei: 2, pAH: 1, pBJ: 1})
	check("residents of Anhui", kepu.NeighborQuery{Rel: kepu.LocatedIn, Dir: kepu.In, NodeFilter: kepu.C("kind", kepu.Eq, "CARAVAN")}, []string{pAH}, map[string]int{pAH: 1})
	_, err := st.CountNeighbors(ctx, ids, kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out, EdgeFilter: kepu.C("nope", kepu.Eq, 1)})
	wantCode(t, err, kepu.BadUserInput)
	_, err = st.CountNeighbors(ctx, ids, kepu.NeighborQuery{Rel: "LIKES", Dir: kepu.Out})
	wantCode(t, err, kepu.BadUserInput)
}

func testLocate(t *testing.T, st kepu.Store) {
	loadGraph(t, st)
	L := func(p, f, c string) kepu.Location { return kepu.Location{Province: p, Prefecture: f, County: c} }
	want := map[string]kepu.Location{
		pAH:       L(pAH, "", ""),
		pBJ:       L(pBJ, "", ""),
		fHefei:    L(pAH, fHefei, ""),
		cYaohai:   L(pAH, fHefei, cYaohai),
		cLuyang:   L(pAH, fHefei, cLuyang),
		cChaoyang: L(pBJ, "", cChaoyang), // a county directly under a province
		mAH:       L(pAH, fHefei, cYaohai),
		mCSTM:     L(pBJ, "", cChaoyang),
		mCaravan:  L(pAH, "", ""),
		s1:        L(pAH, fHefei, cLuyang),
		s2:        L(pBJ, "", cChaoyang),
	}
	ids := append(slices.Collect(maps.Keys(want)), mMobile, s3, prog1, forum1, "Museum:ghost", "garbage")
	got, err := st.Locate(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, want) {
		t.Fatalf("Locate = %v\nwant %v", got, want)
	}
	if loc := want[mAH]; loc.At(kepu.County) != cYaohai || loc.At(kepu.Museum) != "" {
		t.Fatal("Location.At")
	}
	// Several places: the deepest wins.
	mustWrite(t, st, putEdges(E(kepu.LocatedIn, mCaravan, cLuyang), E(kepu.LocatedIn, s3, fHefei), E(kepu.LocatedIn, s2, pBJ))...)
	got, err = st.Locate(ctx, []string{mCaravan, s3, s2})
	if err != nil {
		t.Fatal(err)
	}
	if got[mCaravan] != L(pAH, fHefei, cLuyang) || got[s3] != L(pAH, fHefei, "") || got[s2] != L(pBJ, "", cChaoyang) {
		t.Fatalf("Locate with several places = %v", got)
	}
	// Moving a county moves everything in it.
	mustWrite(t, st,
		kepu.Change{Kind: kepu.DeleteEdge, Edge: kepu.Edge{Type: kepu.PartOf, From: cChaoyang, To: pBJ}},
		kepu.Change{Kind: kepu.PutEdge, Edge: E(kepu.PartOf, cChaoyang, fHefei)})
	got, _ = st.Locate(ctx, []string{mCSTM})
	if got[mCSTM] != L(pAH, fHefei, cChaoyang) {
		t.Fatalf("after moving the county: %v", got[mCSTM])
	}
}

func testAggregate(t *testing.T, st kepu.Store) {
	loadGraph(t, st)
	agg := func(q kepu.AggregateQuery) []kepu.Group {
		t.Helper()
		gs, err := st.Aggregate(ctx, q)
		if err != nil {
			t.Fatalf("Aggregate(%+v): %v", q, err)
		}
		return gs
	}
	type G = kepu.Group
	S := func(kv ...any) map[string]float64 {
		m := map[string]float64{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1].(float64)
		}
		return m
	}
	check := func(what string, got []kepu.Group, want ...G) {
		t.Helper()
		ok := len(got) == len(want)
		for i := 0; ok && i < len(got); i++ {
			ok = got[i].Key == want[i].Key && got[i].Count == want[i].Count
			for k, v := range want[i].Sums {
				ok = ok && got[i].Sums[k] == v
			}
		}
		if !ok {
			t.Fatalf("%s = %+v\nwant %+v", what, got, want)
		}
	}
	check("all", agg(kepu.AggregateQuery{Label: kepu.Museum, Sum: []string{"openedYear", "distanceKm", "offlineVisits"}}),
		G{Key: "", Count: 4, Sums: S("openedYear", 6013.0, "distanceKm", 12002.0, "offlineVisits", 5e6)})
	check("filtered", agg(kepu.AggregateQuery{Label: kepu.Museum, Filter: kepu.C("freeEntry", kepu.Eq, true), Sum: []string{"distanceKm"}}),
		G{Key: "", Count: 2, Sums: S("distanceKm", 1.5)})
	check("none", agg(kepu.AggregateQuery{Label: kepu.Museum, Filter: kepu.C("kind", kepu.Eq, "DIGITAL"), Sum: []string{"distanceKm"}}),
		G{Key: "", Count: 0, Sums: S("distanceKm", 0.0)})
	check("by kind", agg(kepu.AggregateQuery{Label: kepu.Museum, GroupBy: "kind", Sum: []string{"openedYear"}}),
		G{Key: "CARAVAN", Count: 1, Sums: S("openedYear", 0.0)}, G{Key: "MOBILE", Count: 1, Sums: S("openedYear", 2015.0)},
		G{Key: "STANDARD", Count: 2, Sums: S("openedYear", 3998.0)})
	check("by freeEntry", agg(kepu.AggregateQuery{Label: kepu.Museum, GroupBy: "freeEntry"}), G{Key: "false", Count: 2}, G{Key: "true", Count: 2})
	check("by openedYear", agg(kepu.AggregateQuery{Label: kepu.Museum, GroupBy: "openedYear"}),
		G{Key: "", Count: 1}, G{Key: "1988", Count: 1}, G{Key: "2010", Count: 1}, G{Key: "2015", Count: 1})
	check("by distanceKm", agg(kepu.AggregateQuery{Label: kepu.Museum, GroupBy: "distanceKm"}),
		G{Key: "", Count: 2}, G{Key: "1.5", Count: 1}, G{Key: "12000.5", Count: 1})
	check("by level", agg(kepu.AggregateQuery{Label: kepu.Museum, GroupBy: "level", Filter: kepu.C("kind", kepu.Ne, "MOBILE")}),
		G{Key: "NATIONAL", Count: 1}, G{Key: "PROVINCIAL", Count: 2})
	check("by province", agg(kepu.AggregateQuery{Label: kepu.Museum, GroupBy: string(kepu.Province), Sum: []string{"distanceKm"}}),
		G{Key: "", Count: 1}, G{Key: pAH, Count: 2, Sums: S("distanceKm", 12002.0)}, G{Key: pBJ, Count: 1, Sums: S("distanceKm", 0.0)})
	check("by prefecture", agg(kepu.AggregateQuery{Label: kepu.Museum, GroupBy: string(kepu.Prefecture)}),
		G{Key: "", Count: 3}, G{Key: fHefei, Count: 1})
	check("by county", agg(kepu.AggregateQuery{Label: kepu.Museum, GroupBy: string(kepu.County)}),
		G{Key: "", Count: 2}, G{Key: cChaoyang, Count: 1}, G{Key: cYaohai, Count: 1})
	check("counties by province", agg(kepu.AggregateQuery{Label: kepu.County, GroupBy: string(kepu.Province)}),
		G{Key: pAH, Count: 2}, G{Key: pBJ, Count: 1})
	check("forums by absent mode", agg(kepu.AggregateQuery{Label: kepu.Forum, GroupBy: "mode"}), G{Key: "", Count: 1})
	check("grouped, nothing matches", agg(kepu.AggregateQuery{Label: kepu.Person, GroupBy: "title"}))
	for i, q := range []kepu.AggregateQuery{
		{Label: "Planet"},
		{Label: kepu.Museum, GroupBy: "nope"},
		{Label: kepu.Museum, Sum: []string{"city"}},
		{Label: kepu.Museum, Sum: []string{"nope"}},
		{Label: kepu.Museum, Filter: kepu.C("nope", kepu.Eq, 1)},
	} {
		_, err := st.Aggregate(ctx, q)
		if kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Errorf("invalid aggregate %d: code %q (%v)", i, kepu.ErrorCode(err), err)
		}
	}
}

func testAggregateEdges(t *testing.T, st kepu.Store) {
	loadGraph(t, st)
	check := func(what string, q kepu.EdgeAggregateQuery, count, from, to int, sums map[string]float64) {
		t.Helper()
		got, err := st.AggregateEdges(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		ok := got.Count == count && got.DistinctFrom == from && got.DistinctTo == to
		for k, v := range sums {
			ok = ok && got.Sums[k] == v
		}
		if !ok {
			t.Fatalf("%s = %+v, want count %d from %d to %d sums %v", what, got, count, from, to, sums)
		}
	}
	pw := kepu.PartnersWith
	check("all", kepu.EdgeAggregateQuery{Rel: pw, Sum: []string{"since", "activities"}}, 4, 3, 2, map[string]float64{"since": 6052, "activities": 17})
	check("from filter", kepu.EdgeAggregateQuery{Rel: pw, FromFilter: kepu.C("kind", kepu.Eq, "STANDARD")}, 3, 2, 2, nil)
	check("to filter", kepu.EdgeAggregateQuery{Rel: pw, ToLabel: kepu.School, ToFilter: kepu.C("rural", kepu.Eq, true), Sum: []string{"activities"}},
		2, 2, 1, map[string]float64{"activities": 5})
	check("edge filter", kepu.EdgeAggregateQuery{Rel: pw, EdgeFilter: kepu.C("since", kepu.Gte, 2016)}, 2, 1, 2, nil)
	check("no match", kepu.EdgeAggregateQuery{Rel: pw, EdgeFilter: kepu.C("since", kepu.Gt, 3000), Sum: []string{"since"}}, 0, 0, 0, map[string]float64{"since": 0})
	check("to counties", kepu.EdgeAggregateQuery{Rel: kepu.Covers, ToLabel: kepu.County, Sum: []string{"tours", "visits"}},
		3, 2, 3, map[string]float64{"tours": 6, "visits": 1200})
	check("from programs", kepu.EdgeAggregateQuery{Rel: kepu.Covers, FromLabel: kepu.Program, Sum: []string{"tours"}}, 1, 1, 1, map[string]float64{"tours": 4})
	check("to Anhui", kepu.EdgeAggregateQuery{Rel: kepu.Covers, ToLabel: kepu.Province, ToFilter: kepu.C("code", kepu.Eq, "CN-AH"), Sum: []string{"visits"}},
		1, 1, 1, map[string]float64{"visits": 500})
	check("to places in Anhui", kepu.EdgeAggregateQuery{Rel: kepu.Covers,
		ToFilter: &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.Province, Filter: kepu.C("code", kepu.Eq, "CN-AH")}}, Sum: []string{"tours"}},
		3, 2, 3, map[string]float64{"tours": 5})
	for i, q := range []kepu.EdgeAggregateQuery{
		{Rel: "LIKES"},
		{Rel: kepu.Covers, FromLabel: kepu.School},
		{Rel: kepu.Covers, ToLabel: kepu.Museum},
		{Rel: pw, Sum: []string{kepu.PropSource}},
		{Rel: pw, ToFilter: kepu.C("kind", kepu.Eq, "STANDARD")},
		{Rel: pw, EdgeFilter: kepu.C("tours", kepu.Gt, 1)},
	} {
		_, err := st.AggregateEdges(ctx, q)
		if kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Errorf("invalid edge aggregate %d: code %q (%v)", i, kepu.ErrorCode(err), err)
		}
	}
}

func testContext(t *testing.T, st kepu.Store) {
	loadGraph(t, st)
	c, cancel := context.WithCancel(context.Background())
	cancel()
	nq := kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out}
	calls := map[string]func() error{
		"Nodes":          func() error { _, err := st.Nodes(c, []string{mAH}); return err },
		"FindNodes":      func() error { _, err := st.FindNodes(c, kepu.NodeQuery{Label: kepu.Museum}); return err },
		"CountNodes":     func() error { _, err := st.CountNodes(c, kepu.Museum, nil); return err },
		"Neighbors":      func() error { _, err := st.Neighbors(c, []string{mAH}, nq); return err },
		"CountNeighbors": func() error { _, err := st.CountNeighbors(c, []string{mAH}, nq); return err },
		"Locate":         func() error { _, err := st.Locate(c, []string{mAH}); return err },
		"Aggregate":      func() error { _, err := st.Aggregate(c, kepu.AggregateQuery{Label: kepu.Museum}); return err },
		"AggregateEdges": func() error { _, err := st.AggregateEdges(c, kepu.EdgeAggregateQuery{Rel: nq.Rel}); return err },
		"Write": func() error {
			_, err := st.Write(c, putNodes(N("School:cancelled")))
			return err
		},
	}
	for name, call := range calls {
		if err := call(); err == nil {
			t.Errorf("%s with a cancelled context returned no error", name)
		}
	}
	if _, ok := getNode(t, st, "School:cancelled"); ok {
		t.Fatal("a write with a cancelled context was applied")
	}
}

func testDurability(t *testing.T, h Harness, stp *kepu.Store) {
	st := *stp
	loadGraph(t, st)
	mustWrite(t, st,
		kepu.Change{Kind: kepu.UpdateNode, ID: mAH, Set: kepu.Props{"openedYear": 2011}, Unset: []string{"city"}},
		kepu.Change{Kind: kepu.DeleteNode, ID: s3},
		kepu.Change{Kind: kepu.DeleteEdge, Edge: kepu.Edge{Type: kepu.PartnersWith, From: mCSTM, To: s2}},
		kepu.Change{Kind: kepu.UpdateEdge, Edge: kepu.Edge{Type: kepu.Covers, From: mCaravan, To: cYaohai}, Set: kepu.Props{"tours": 7}},
		kepu.Change{Kind: kepu.PutNode, Node: N("Museum:new", "kind", "DIGITAL", "name", "科普 🚀 'new'", "resourcesTB", 2.25)},
	)
	type snapshot struct {
		ids       map[kepu.Label][]string
		nodes     map[string]kepu.Node
		partners  map[string]kepu.NeighborPage
		locations map[string]kepu.Location
		covers    kepu.EdgeAggregate
	}
	take := func(st kepu.Store) snapshot {
		t.Helper()
		var s snapshot
		s.ids = map[kepu.Label][]string{}
		var all []string
		for _, l := range kepu.Labels {
			s.ids[l] = findIDs(t, st, l, nil)
			all = append(all, s.ids[l]...)
		}
		var err error
		if s.nodes, err = st.Nodes(ctx, all); err != nil {
			t.Fatal(err)
		}
		if s.partners, err = st.Neighbors(ctx, s.ids[kepu.Museum], kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out}); err != nil {
			t.Fatal(err)
		}
		if s.locations, err = st.Locate(ctx, all); err != nil {
			t.Fatal(err)
		}
		if s.covers, err = st.AggregateEdges(ctx, kepu.EdgeAggregateQuery{Rel: kepu.Covers, Sum: []string{"tours", "visits"}}); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := take(st)
	if len(before.nodes) != 16 || before.covers.Sums["tours"] != 14 {
		t.Fatalf("before reopen: %d nodes, tours %v", len(before.nodes), before.covers.Sums["tours"])
	}
	st = h.Reopen(t, st)
	*stp = st
	after := take(st)
	if fmt.Sprint(before) != fmt.Sprint(after) {
		t.Fatalf("after reopen:\n%v\nwant\n%v", after, before)
	}
	n := after.nodes["Museum:new"]
	if n.Props[kepu.PropName] != "科普 🚀 'new'" || n.Props["resourcesTB"] != 2.25 {
		t.Fatalf("new museum after reopen = %+v", n)
	}
	if after.nodes[mAH].Props["openedYear"] != int64(2011) {
		t.Fatalf("updated museum after reopen = %+v", after.nodes[mAH])
	}
	// The reopened store takes writes, and they last too.
	mustWrite(t, st, kepu.Change{Kind: kepu.DeleteNode, ID: mCaravan}, kepu.Change{Kind: kepu.PutEdge, Edge: E(kepu.PartnersWith, mMobile, s1, "since", 2024)})
	st = h.Reopen(t, st)
	*stp = st
	if _, ok := getNode(t, st, mCaravan); ok {
		t.Fatal("deleted node back after reopen")
	}
	m, err := st.Neighbors(ctx, []string{mMobile, s1}, kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out})
	if err != nil {
		t.Fatal(err)
	}
	if p := m[mMobile]; len(p.Items) != 1 || p.Items[0].Edge.Props["since"] != int64(2024) {
		t.Fatalf("new edge after reopen = %+v", p)
	}
	agg, _ := st.AggregateEdges(ctx, kepu.EdgeAggregateQuery{Rel: kepu.Covers})
	if agg.Count != 3 {
		t.Fatalf("COVERS after deleting the caravan and reopening = %d, want 3", agg.Count)
	}
}

func testCountNodes(t *testing.T, st kepu.Store) {
	loadGraph(t, st)
	cases := []struct {
		l    kepu.Label
		f    *kepu.Filter
		want int
	}{
		{kepu.Museum, nil, 4},
		{kepu.School, nil, 3},
		{kepu.Person, nil, 0},
		{kepu.Museum, kepu.C("freeEntry", kepu.Eq, true), 2},
		{kepu.Museum, kepu.C("openedYear", kepu.Eq, nil), 1},
		{kepu.School, &kepu.Filter{Rel: &kepu.RelCond{Rel: kepu.PartnersWith, Dir: kepu.In, Quant: kepu.None}}, 1},
		{kepu.Museum, &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.Province, Filter: kepu.C("code", kepu.Eq, "CN-AH")}}, 2},
	}
	for i, tc := range cases {
		n, err := st.CountNodes(ctx, tc.l, tc.f)
		if err != nil || n != tc.want {
			t.Errorf("case %d: CountNodes = %d, %v; want %d", i, n, err, tc.want)
		}
		if ids := findIDs(t, st, tc.l, tc.f); len(ids) != n {
			t.Errorf("case %d: CountNodes %d but FindNodes lists %d", i, n, len(ids))
		}
	}
}
