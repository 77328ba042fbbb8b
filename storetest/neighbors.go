package storetest

// Conformance tests of Neighbors and CountNeighbors: both directions,
// conditions on the edge and on the other end, paging, counts.

import (
	"fmt"
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
