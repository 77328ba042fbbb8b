package storetest

// Conformance tests of durability: what was written survives closing and
// reopening the store.

import (
	"fmt"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

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
	if err := st.SetMeta(ctx, kepu.MetaReferenceLoad, "durable ✓"); err != nil {
		t.Fatal(err)
	}
	before := takeGraph(t, st)
	if len(before.nodes) != 16 || before.covers.Sums["tours"] != 14 {
		t.Fatalf("before reopen: %d nodes, tours %v", len(before.nodes), before.covers.Sums["tours"])
	}
	st = h.Reopen(t, st)
	*stp = st
	after := takeGraph(t, st)
	if fmt.Sprint(before) != fmt.Sprint(after) {
		t.Fatalf("after reopen:\n%v\nwant\n%v", after, before)
	}
	if v, err := st.Meta(ctx, kepu.MetaReferenceLoad); err != nil || v != "durable ✓" {
		t.Fatalf("a metadata entry after reopen = %q, %v; want the value set before", v, err)
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

// graphSnapshot is what takeGraph reads.
type graphSnapshot struct {
	ids       map[kepu.Label][]string
	nodes     map[string]kepu.Node
	partners  map[string]kepu.NeighborPage
	locations map[string]kepu.Location
	covers    kepu.EdgeAggregate
}

// takeGraph reads what the durability and format checks compare: every
// node of every label, the museums' partners, the locations and the
// coverage sums.
func takeGraph(t *testing.T, st kepu.Store) graphSnapshot {
	t.Helper()
	var s graphSnapshot
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
