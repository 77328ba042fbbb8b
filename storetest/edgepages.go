package storetest

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// allEdges reads every edge of a type with Store.Edges, first at a time.
func allEdges(t *testing.T, st kepu.Store, rel kepu.RelType, first int) []kepu.Edge {
	t.Helper()
	var out []kepu.Edge
	after := ""
	for range 1000 {
		p, err := st.Edges(ctx, kepu.EdgeQuery{Rel: rel, First: first, After: after})
		if err != nil {
			t.Fatalf("Edges %s first %d: %v", rel, first, err)
		}
		if len(p.Edges) > first {
			t.Fatalf("Edges %s first %d: a page of %d", rel, first, len(p.Edges))
		}
		out = append(out, p.Edges...)
		if !p.HasNext {
			if len(p.Edges) > 0 && p.EndCursor == "" {
				t.Fatalf("Edges %s: a last page without EndCursor", rel)
			}
			return out
		}
		if len(p.Edges) == 0 || p.EndCursor == "" {
			t.Fatalf("Edges %s: HasNext with an empty page or no cursor: %+v", rel, p)
		}
		after = p.EndCursor
	}
	t.Fatalf("Edges %s: more than 1000 pages", rel)
	return nil
}

// neighborEdges lists the edges of a type through Neighbors, in (From, To)
// order: what Edges must return.
func neighborEdges(t *testing.T, st kepu.Store, rel kepu.RelType) []kepu.Edge {
	t.Helper()
	var out []kepu.Edge
	for _, l := range kepu.LookupRel(rel).From {
		p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: l})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, n := range p.Nodes {
			ids = append(ids, n.ID)
		}
		m, err := st.Neighbors(ctx, ids, kepu.NeighborQuery{Rel: rel, Dir: kepu.Out})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			for _, it := range m[id].Items {
				out = append(out, it.Edge)
			}
		}
	}
	slices.SortFunc(out, func(a, b kepu.Edge) int {
		if c := strings.Compare(a.From, b.From); c != 0 {
			return c
		}
		return strings.Compare(a.To, b.To)
	})
	return out
}

func edgeKeys(es []kepu.Edge) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Key()
	}
	return out
}

func testEdgePages(t *testing.T, st kepu.Store) {
	loadGraph(t, st)
	for _, d := range kepu.RelDefs() {
		want := neighborEdges(t, st, d.Type)
		for _, first := range []int{1, 2, 3, 100} {
			got := allEdges(t, st, d.Type, first)
			if !slices.Equal(edgeKeys(got), edgeKeys(want)) {
				t.Fatalf("Edges %s first %d:\n got %q\nwant %q", d.Type, first, edgeKeys(got), edgeKeys(want))
			}
			for i := range got {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Fatalf("Edges %s: %+v, want %+v", d.Type, got[i], want[i])
				}
			}
		}
	}
	// The fixture has edges of several From labels for these types.
	if got := allEdges(t, st, kepu.Covers, 2); len(got) < 5 || kepu.LabelOf(got[0].From) == kepu.LabelOf(got[len(got)-1].From) {
		t.Fatalf("COVERS edges %q: want museums and programs", edgeKeys(got))
	}
	p, err := st.Edges(ctx, kepu.EdgeQuery{Rel: kepu.SpokeAt, First: 5})
	if err != nil || len(p.Edges) != 0 || p.HasNext || p.EndCursor != "" {
		t.Fatalf("a type without edges: %+v, %v", p, err)
	}

	// Keyset: a cursor is a position, so changes between pages neither
	// skip nor repeat an edge that stayed.
	first, err := st.Edges(ctx, kepu.EdgeQuery{Rel: kepu.PartnersWith, First: 2})
	if err != nil || len(first.Edges) != 2 || !first.HasNext {
		t.Fatalf("first page %+v, %v", first, err)
	}
	before := neighborEdges(t, st, kepu.PartnersWith)
	mustWrite(t, st,
		kepu.Change{Kind: kepu.DeleteEdge, Edge: first.Edges[1]},
		kepu.Change{Kind: kepu.PutEdge, Edge: E(kepu.PartnersWith, mMobile, s3)},
	)
	rest := allEdgesAfter(t, st, kepu.PartnersWith, first.EndCursor)
	want := append(edgeKeys(before[2:]), E(kepu.PartnersWith, mMobile, s3).Key())
	slices.Sort(want)
	if !slices.Equal(edgeKeys(rest), want) {
		t.Fatalf("after the changes:\n got %q\nwant %q", edgeKeys(rest), want)
	}

	// Errors.
	for _, q := range []kepu.EdgeQuery{
		{Rel: "KNOWS", First: 1},
		{Rel: kepu.PartnersWith, First: 0},
		{Rel: kepu.PartnersWith, First: -1},
		{Rel: kepu.PartnersWith, First: 1, After: "garbage"},
		{Rel: kepu.Covers, First: 1, After: first.EndCursor}, // a cursor of another type
	} {
		_, err := st.Edges(ctx, q)
		t.Run(fmt.Sprintf("%s/%d/%.8s", q.Rel, q.First, q.After), func(t *testing.T) { wantCode(t, err, kepu.BadUserInput) })
	}
}

func allEdgesAfter(t *testing.T, st kepu.Store, rel kepu.RelType, after string) []kepu.Edge {
	t.Helper()
	var out []kepu.Edge
	for {
		p, err := st.Edges(ctx, kepu.EdgeQuery{Rel: rel, First: 1, After: after})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p.Edges...)
		if !p.HasNext {
			return out
		}
		after = p.EndCursor
	}
}
