package storetest

import (
	"reflect"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// testReadFound: the optional kepu.FoundReader gives the nodes that Nodes
// gives, the relationships that a walk of their type gives (with their
// properties; one reversed, of another type or not in the graph is
// absent), and the store's version, before and after a write. A store
// without it skips the test.
func testReadFound(t *testing.T, st kepu.Store) {
	fr, ok := st.(kepu.FoundReader)
	if !ok {
		t.Skip("the store has no ReadFound (kepu.FoundReader)")
	}
	pathFixture(t, st)
	ids := []string{"Museum:m1", "School:s1", "County:c", "Museum:m1", "Museum:none", "no-label"}
	ends := []kepu.Edge{
		{Type: kepu.PartnersWith, From: "Museum:m1", To: "School:s1"},
		{Type: kepu.LocatedIn, From: "Museum:m1", To: "County:c"},
		{Type: kepu.PartnersWith, From: "School:s1", To: "Museum:m1"}, // reversed
		{Type: kepu.LocatedIn, From: "Museum:m2", To: "County:c"},     // not in the graph
		{Type: kepu.HelpedEstablish, From: "Museum:m1", To: "School:s1"},
	}
	check := func(when string) {
		t.Helper()
		wantNodes, err := st.Nodes(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		wantEdges := map[string]kepu.Edge{}
		for _, d := range kepu.RelDefs() {
			for _, e := range walkEdges(t, st, d.Type) {
				for _, x := range ends {
					if x.Key() == e.Key() {
						wantEdges[e.Key()] = e
					}
				}
			}
		}
		v, err := st.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		nodes, edges, version, err := fr.ReadFound(ctx, ids, ends)
		if err != nil {
			t.Fatalf("%s: ReadFound: %v", when, err)
		}
		if len(wantNodes) != 3 || !reflect.DeepEqual(nodes, wantNodes) {
			t.Errorf("%s: nodes = %v, want %v (Nodes)", when, nodes, wantNodes)
		}
		if len(wantEdges) == 0 || !reflect.DeepEqual(edges, wantEdges) {
			t.Errorf("%s: relationships = %v, want %v (the walks)", when, edges, wantEdges)
		}
		if version != v {
			t.Errorf("%s: version = %d, want the store's %d", when, version, v)
		}
	}
	check("after the fixture")
	mustWrite(t, st, kepu.Change{Kind: kepu.DeleteEdge, Edge: kepu.Edge{Type: kepu.LocatedIn, From: "Museum:m1", To: "County:c"}},
		kepu.Change{Kind: kepu.UpdateNode, ID: "Museum:m1", Set: kepu.Props{"city": "Hefei"}})
	check("after a write")
	nodes, edges, _, err := fr.ReadFound(ctx, nil, nil)
	if err != nil || len(nodes) != 0 || len(edges) != 0 {
		t.Errorf("ReadFound of nothing = %v, %v, %v", nodes, edges, err)
	}
}
