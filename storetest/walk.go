package storetest

// Conformance tests of WalkNodes and WalkEdges: the streamed nodes and
// edges are those of FindNodes, Locate and Edges, in the same order.

import (
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// walkedNode is a node passed by WalkNodes, copied (the walk reuses it).
type walkedNode struct {
	node kepu.Node
	loc  kepu.Location
}

func walkNodes(t *testing.T, st kepu.Store, l kepu.Label, f *kepu.Filter) []walkedNode {
	t.Helper()
	var out []walkedNode
	err := st.WalkNodes(ctx, l, f, func(n *kepu.Node, loc kepu.Location) error {
		out = append(out, walkedNode{kepu.Node{ID: n.ID, Label: n.Label, Props: n.Props.Clone()}, loc})
		return nil
	})
	if err != nil {
		t.Fatalf("WalkNodes(%s): %v", l, err)
	}
	return out
}

func walkEdges(t *testing.T, st kepu.Store, rel kepu.RelType) []kepu.Edge {
	t.Helper()
	var out []kepu.Edge
	err := st.WalkEdges(ctx, rel, func(e *kepu.Edge) error {
		out = append(out, kepu.Edge{Type: e.Type, From: e.From, To: e.To, Props: e.Props.Clone()})
		return nil
	})
	if err != nil {
		t.Fatalf("WalkEdges(%s): %v", rel, err)
	}
	return out
}

// wantWalk checks walked nodes against FindNodes with the same filter (ID
// order) and Locate.
func wantWalk(t *testing.T, st kepu.Store, l kepu.Label, f *kepu.Filter, got []walkedNode) {
	t.Helper()
	page, err := st.FindNodes(ctx, kepu.NodeQuery{Label: l, Filter: f.Clone()})
	if err != nil {
		t.Fatal(err)
	}
	locs, err := st.Locate(ctx, nodeIDs(page.Nodes))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(page.Nodes) {
		t.Fatalf("WalkNodes(%s) passed %d nodes, FindNodes finds %d", l, len(got), len(page.Nodes))
	}
	for i, want := range page.Nodes {
		if !reflect.DeepEqual(got[i].node, want) {
			t.Fatalf("WalkNodes(%s) node %d = %+v, want %+v", l, i, got[i].node, want)
		}
		if got[i].loc != locs[want.ID] {
			t.Fatalf("WalkNodes(%s) %s location %+v, want %+v", l, want.ID, got[i].loc, locs[want.ID])
		}
	}
}

func testWalk(t *testing.T, st kepu.Store) {
	loadGraph(t, st)
	for _, d := range kepu.LabelDefs() {
		wantWalk(t, st, d.Label, nil, walkNodes(t, st, d.Label, nil))
	}
	// Located nodes have their place, the others the zero Location.
	var located, unlocated int
	for _, w := range walkNodes(t, st, kepu.Museum, nil) {
		if w.loc.Province != "" {
			located++
		} else {
			unlocated++
		}
	}
	if located != 3 || unlocated != 1 {
		t.Fatalf("museums located %d, not %d: want 3 and 1", located, unlocated)
	}
	free := kepu.C("freeEntry", kepu.Eq, true)
	got := walkNodes(t, st, kepu.Museum, free)
	wantWalk(t, st, kepu.Museum, free, got)
	if len(got) != 2 {
		t.Fatalf("free museums: %d, want 2", len(got))
	}
	for _, d := range kepu.RelDefs() {
		got, want := walkEdges(t, st, d.Type), neighborEdges(t, st, d.Type)
		if len(got) != len(want) {
			t.Fatalf("WalkEdges(%s) passed %q, want %q", d.Type, edgeKeys(got), edgeKeys(want))
		}
		for i := range got {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("WalkEdges(%s) edge %d = %+v, want %+v", d.Type, i, got[i], want[i])
			}
		}
	}

	// The walk does not hold up writes: a write from inside the callback
	// completes, and every node there during the whole walk is passed once.
	var seen []string
	err := st.WalkNodes(ctx, kepu.School, nil, func(n *kepu.Node, _ kepu.Location) error {
		if len(seen) == 0 {
			mustWrite(t, st, kepu.Change{Kind: kepu.DeleteNode, ID: n.ID}, kepu.Change{Kind: kepu.PutNode, Node: N("School:s4")})
		}
		seen = append(seen, n.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(seen, s2) || !slices.Contains(seen, s3) || len(seen) != len(slices.Compact(slices.Clone(seen))) {
		t.Fatalf("walk with a write: %q", seen)
	}

	// The callback's error stops the walk and is returned.
	stop := errors.New("stop")
	calls := 0
	err = st.WalkNodes(ctx, kepu.Museum, nil, func(*kepu.Node, kepu.Location) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("WalkNodes after an error: %v, %d calls", err, calls)
	}
	calls = 0
	err = st.WalkEdges(ctx, kepu.Covers, func(*kepu.Edge) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("WalkEdges after an error: %v, %d calls", err, calls)
	}

	// Errors.
	none := func(*kepu.Node, kepu.Location) error { t.Fatal("a node passed on an error"); return nil }
	wantCode(t, st.WalkNodes(ctx, "Spaceship", nil, none), kepu.BadUserInput)
	wantCode(t, st.WalkNodes(ctx, kepu.Museum, kepu.C("noSuchProp", kepu.Eq, 1), none), kepu.BadUserInput)
	wantCode(t, st.WalkEdges(ctx, "KNOWS", func(*kepu.Edge) error { t.Fatal("an edge passed on an error"); return nil }), kepu.BadUserInput)
}
