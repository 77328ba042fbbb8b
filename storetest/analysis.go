package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/analysis"
	"github.com/kepugraph/kepugraph/kepu"
)

// testVersion: every successful write increases the graph version, a failed
// one leaves it as it was, reads never change it.
func testVersion(t *testing.T, st kepu.Store) {
	version := func() uint64 {
		t.Helper()
		v, err := st.Version(ctx)
		if err != nil {
			t.Fatalf("Version: %v", err)
		}
		return v
	}
	v0 := version()
	mustWrite(t, st, putNodes(N("Museum:v1", "kind", "STANDARD"))...)
	v1 := version()
	if v1 <= v0 {
		t.Fatalf("version after a write = %d, want more than %d", v1, v0)
	}
	if _, err := st.Write(ctx, []kepu.Change{{Kind: kepu.CreateNode, Node: N("Museum:v1", "kind", "STANDARD")}}); kepu.ErrorCode(err) != kepu.Conflict {
		t.Fatalf("Create of an existing node: %v, want CONFLICT", err)
	}
	if v := version(); v != v1 {
		t.Fatalf("version after a failed write = %d, want %d", v, v1)
	}
	if _, err := st.Nodes(ctx, []string{"Museum:v1"}); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != v1 {
		t.Fatalf("version after a read = %d, want %d", v, v1)
	}
	mustWrite(t, st, kepu.Change{Kind: kepu.UpdateNode, ID: "Museum:v1", Set: kepu.Props{"city": "Hefei"}})
	mustWrite(t, st, kepu.Change{Kind: kepu.DeleteNode, ID: "Museum:v1"})
	if v := version(); v < v1+2 {
		t.Fatalf("version after two more writes = %d, want at least %d", v, v1+2)
	}
}

// pathFixture: three museums and three schools; m1 and m3 are joined by
// two shortest PARTNERS_WITH paths of length 4, and by a path of length 2
// through their county.
func pathFixture(t *testing.T, st kepu.Store) {
	mustWrite(t, st, putNodes(
		N("County:c", "gbCode", "1"),
		N("Museum:m1", "kind", "STANDARD"), N("Museum:m2", "kind", "STANDARD"), N("Museum:m3", "kind", "MOBILE"),
		N("School:s1"), N("School:s2"), N("School:s3"), N("School:s4"),
	)...)
	mustWrite(t, st, putEdges(
		E(kepu.PartnersWith, "Museum:m1", "School:s1", "since", 2018),
		E(kepu.PartnersWith, "Museum:m1", "School:s2"),
		E(kepu.PartnersWith, "Museum:m2", "School:s1"),
		E(kepu.PartnersWith, "Museum:m2", "School:s2"),
		E(kepu.PartnersWith, "Museum:m2", "School:s3"),
		E(kepu.PartnersWith, "Museum:m3", "School:s3"),
		E(kepu.LocatedIn, "Museum:m1", "County:c"),
		E(kepu.LocatedIn, "Museum:m3", "County:c"),
		E(kepu.LocatedIn, "School:s4", "County:c"),
	)...)
}

func pathText(p analysis.Path) string {
	var b strings.Builder
	for i, n := range p.Nodes {
		if i > 0 {
			s := p.Steps[i-1]
			fmt.Fprintf(&b, " -%s/%s- ", s.Edge.Type, s.Dir)
		}
		b.WriteString(n.ID)
	}
	return b.String()
}

// pathsFunc is analysis.ShortestPaths or Analyzer.ShortestPaths.
type pathsFunc func(ctx context.Context, st kepu.Store, q analysis.PathQuery) ([]analysis.Path, bool, error)

// testShortestPaths runs the same checks walking through the store and on
// an analyzer's adjacency.
func testShortestPaths(t *testing.T, st kepu.Store) {
	a := &analysis.Analyzer{Store: st}
	if err := a.WarmPaths(ctx); err != nil {
		t.Fatal(err)
	}
	t.Run("Store", func(t *testing.T) { checkShortestPaths(t, st, analysis.ShortestPaths) })
	t.Run("Adjacency", func(t *testing.T) { checkShortestPaths(t, NoWalk{st}, a.ShortestPaths) })
}

// NoWalk is a store whose Neighbors refuses the calls of a walk (those
// without a node filter): a path found through it was found on an
// analysis.Adjacency, not by the store walk it falls back to.
type NoWalk struct{ kepu.Store }

// Neighbors implements kepu.Store.
func (s NoWalk) Neighbors(ctx context.Context, ids []string, q kepu.NeighborQuery) (map[string]kepu.NeighborPage, error) {
	if q.NodeFilter == nil {
		return nil, kepu.Errorf(kepu.Internal, "a walk through the store (Neighbors without a node filter)")
	}
	return s.Store.Neighbors(ctx, ids, q)
}

func checkShortestPaths(t *testing.T, st kepu.Store, paths pathsFunc) {
	first := func(q analysis.PathQuery) (*analysis.Path, error) {
		q.Limit = 1
		ps, _, err := paths(ctx, st, q)
		if err != nil || len(ps) == 0 {
			return nil, err
		}
		return &ps[0], nil
	}
	q := analysis.PathQuery{From: "Museum:m1", To: "Museum:m3", MaxHops: 6, Limit: 10}
	ps, more, err := paths(ctx, st, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || more || pathText(ps[0]) != "Museum:m1 -LOCATED_IN/OUT- County:c -LOCATED_IN/IN- Museum:m3" {
		t.Fatalf("all relationships: %d paths (more %v): %v", len(ps), more, ps)
	}
	q.Rels = []kepu.RelType{kepu.PartnersWith}
	ps, more, err = paths(ctx, st, q)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Museum:m1 -PARTNERS_WITH/OUT- School:s1 -PARTNERS_WITH/IN- Museum:m2 -PARTNERS_WITH/OUT- School:s3 -PARTNERS_WITH/IN- Museum:m3",
		"Museum:m1 -PARTNERS_WITH/OUT- School:s2 -PARTNERS_WITH/IN- Museum:m2 -PARTNERS_WITH/OUT- School:s3 -PARTNERS_WITH/IN- Museum:m3",
	}
	if len(ps) != 2 || more {
		t.Fatalf("PARTNERS_WITH: %d paths (more %v), want 2", len(ps), more)
	}
	for i := range want {
		if got := pathText(ps[i]); got != want[i] {
			t.Fatalf("path %d = %s, want %s", i, got, want[i])
		}
	}
	if since, _ := ps[0].Steps[0].Edge.Props.Int("since"); since != 2018 {
		t.Fatalf("edge properties of the first step: %v", ps[0].Steps[0].Edge.Props)
	}
	if ps[0].Nodes[1].Props.String(kepu.PropName) != "s1" {
		t.Fatalf("node properties: %v", ps[0].Nodes[1].Props)
	}
	// The reverse direction gives the reversed paths, in its own order.
	back := q
	back.From, back.To = q.To, q.From
	rs, _, err := paths(ctx, st, back)
	if err != nil || len(rs) != 2 || pathText(rs[0]) != "Museum:m3 -PARTNERS_WITH/OUT- School:s3 -PARTNERS_WITH/IN- Museum:m2 -PARTNERS_WITH/OUT- School:s1 -PARTNERS_WITH/IN- Museum:m1" {
		t.Fatalf("reverse: %v %v", rs, err)
	}
	q.Limit = 1
	ps, more, _ = paths(ctx, st, q)
	if len(ps) != 1 || !more || pathText(ps[0]) != want[0] {
		t.Fatalf("limit 1: %v more %v", ps, more)
	}
	q.MaxHops = 3
	if p, err := first(q); err != nil || p != nil {
		t.Fatalf("maxHops 3: %v %v, want none", p, err)
	}
	q.MaxHops = 4
	if p, err := first(q); err != nil || p == nil || p.Length() != 4 {
		t.Fatalf("maxHops 4: %v %v, want a path of length 4", p, err)
	}
	// No path: s4 has no partner.
	if p, err := first(analysis.PathQuery{From: "Museum:m1", To: "School:s4", Rels: q.Rels, MaxHops: 6}); err != nil || p != nil {
		t.Fatalf("unreachable: %v %v", p, err)
	}
	// Missing end, same node, bad input.
	if p, err := first(analysis.PathQuery{From: "Museum:m1", To: "Museum:nope", MaxHops: 6}); err != nil || p != nil {
		t.Fatalf("missing end: %v %v", p, err)
	}
	if p, err := first(analysis.PathQuery{From: "Museum:m1", To: "Museum:m1", MaxHops: 6}); err != nil || p == nil || p.Length() != 0 {
		t.Fatalf("same node: %v %v", p, err)
	}
	_, err = first(analysis.PathQuery{From: "Museum:m1", To: "Museum:m3", MaxHops: 11})
	wantCode(t, err, kepu.BadUserInput)
	_, err = first(analysis.PathQuery{From: "Museum:m1", To: "Museum:m3", MaxHops: 2, Rels: []kepu.RelType{"NOPE"}})
	wantCode(t, err, kepu.BadUserInput)
}

// hoodFunc is analysis.Neighborhood or Analyzer.Neighborhood.
type hoodFunc func(ctx context.Context, st kepu.Store, q analysis.HoodQuery) (*analysis.Subgraph, error)

// testNeighborhood runs the same checks walking through the store and on
// an analyzer's adjacency.
func testNeighborhood(t *testing.T, st kepu.Store) {
	a := &analysis.Analyzer{Store: st}
	if err := a.WarmPaths(ctx); err != nil {
		t.Fatal(err)
	}
	t.Run("Store", func(t *testing.T) { checkNeighborhood(t, st, analysis.Neighborhood) })
	t.Run("Adjacency", func(t *testing.T) { checkNeighborhood(t, NoWalk{st}, a.Neighborhood) })
}

func checkNeighborhood(t *testing.T, st kepu.Store, neighborhood hoodFunc) {
	hood := func(q analysis.HoodQuery) (ids, edges []string, truncated bool) {
		t.Helper()
		sg, err := neighborhood(ctx, st, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range sg.Edges {
			edges = append(edges, e.Key())
		}
		return nodeIDs(sg.Nodes), edges, sg.Truncated
	}
	ids, edges, tr := hood(analysis.HoodQuery{Root: "Museum:m1", Hops: 1, Limit: 100})
	wantIDs(t, "1 hop", ids, "Museum:m1", "County:c", "School:s1", "School:s2")
	if len(edges) != 3 || tr {
		t.Fatalf("1 hop edges %v truncated %v", edges, tr)
	}
	ids, edges, _ = hood(analysis.HoodQuery{Root: "Museum:m1", Hops: 2, Limit: 100})
	wantIDs(t, "2 hops", ids, "Museum:m1", "County:c", "School:s1", "School:s2", "Museum:m2", "Museum:m3", "School:s4")
	wantIDs(t, "2 hops edges", edges,
		"LOCATED_IN|Museum:m1|County:c", "LOCATED_IN|Museum:m3|County:c", "LOCATED_IN|School:s4|County:c",
		"PARTNERS_WITH|Museum:m1|School:s1", "PARTNERS_WITH|Museum:m1|School:s2",
		"PARTNERS_WITH|Museum:m2|School:s1", "PARTNERS_WITH|Museum:m2|School:s2")
	ids, _, _ = hood(analysis.HoodQuery{Root: "Museum:m1", Hops: 2, Rels: []kepu.RelType{kepu.PartnersWith}, Limit: 100})
	wantIDs(t, "2 hops PARTNERS_WITH", ids, "Museum:m1", "School:s1", "School:s2", "Museum:m2")
	ids, _, _ = hood(analysis.HoodQuery{Root: "Museum:m1", Hops: 3, Labels: []kepu.Label{kepu.Museum, kepu.County}, Limit: 100})
	wantIDs(t, "3 hops museums and counties", ids, "Museum:m1", "County:c", "Museum:m3")
	ids, _, tr = hood(analysis.HoodQuery{Root: "Museum:m1", Hops: 2, Limit: 3})
	wantIDs(t, "limit 3", ids, "Museum:m1", "County:c", "School:s1")
	if !tr {
		t.Fatal("limit 3: not truncated")
	}
	ids, _, _ = hood(analysis.HoodQuery{Root: "Museum:nope", Hops: 2, Limit: 3})
	if len(ids) != 0 {
		t.Fatalf("missing root: %v", ids)
	}
	_, err := neighborhood(ctx, st, analysis.HoodQuery{Root: "Museum:m1", Hops: 4, Limit: 3})
	wantCode(t, err, kepu.BadUserInput)
	_, err = neighborhood(ctx, st, analysis.HoodQuery{Root: "Museum:m1", Hops: 1, Limit: 0})
	wantCode(t, err, kepu.BadUserInput)
}
