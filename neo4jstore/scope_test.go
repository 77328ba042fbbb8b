package neo4jstore_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
)

// TestRequestScope: in a request scope, Locate and then Nodes of the places
// give the answers they give without one, with one statement less, and a
// write of the request is seen by its later reads.
func TestRequestScope(t *testing.T) {
	if neo4jtest.URI() == "" {
		t.Skip("NEO4J_URI is not set: no Neo4j server (the test WIPES the database)")
	}
	st := neo4jtest.Fresh(t)
	ctx := context.Background()
	node := func(id, name string) kepu.Change {
		props := kepu.Props{"name": name, "provenance": "REPORTED", "source": "test"}
		switch kepu.LabelOf(id) {
		case kepu.Province:
			props["code"] = "CN-PP"
		case kepu.Prefecture:
			props["gbCode"] = "990100"
		case kepu.County:
			props["gbCode"] = "990101"
		case kepu.Museum:
			props["kind"] = "STANDARD"
		}
		return kepu.Change{Kind: kepu.PutNode, Node: kepu.Node{ID: id, Label: kepu.LabelOf(id), Props: props}}
	}
	edge := func(t kepu.RelType, from, to string) kepu.Change {
		return kepu.Change{Kind: kepu.PutEdge, Edge: kepu.Edge{Type: t, From: from, To: to, Props: kepu.Props{"provenance": "REPORTED", "source": "test"}}}
	}
	if _, err := st.Write(ctx, []kepu.Change{
		node("Province:p", "P"), node("Prefecture:f", "F"), node("County:c", "C"), node("Museum:m", "M"), node("Museum:n", "N"),
		edge(kepu.PartOf, "Prefecture:f", "Province:p"), edge(kepu.PartOf, "County:c", "Prefecture:f"),
		edge(kepu.LocatedIn, "Museum:m", "County:c"),
	}); err != nil {
		t.Fatal(err)
	}
	ids := []string{"Museum:m", "Museum:n", "County:c", "Museum:none"}
	places := []string{"Province:p", "Prefecture:f", "County:c"}
	read := func(ctx context.Context) (map[string]kepu.Location, map[string]kepu.Node, int64) {
		before := st.RoundTrips()
		locs, err := st.Locate(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		nodes, err := st.Nodes(ctx, places)
		if err != nil {
			t.Fatal(err)
		}
		return locs, nodes, st.RoundTrips() - before
	}
	locs, nodes, trips := read(ctx)
	sctx := neo4jstore.WithRequestScope(ctx)
	slocs, snodes, strips := read(sctx)
	if !reflect.DeepEqual(locs, slocs) || !reflect.DeepEqual(nodes, snodes) {
		t.Fatalf("without a scope %v %v\nwith one %v %v", locs, nodes, slocs, snodes)
	}
	if want := (kepu.Location{Province: "Province:p", Prefecture: "Prefecture:f", County: "County:c"}); locs["Museum:m"] != want {
		t.Fatalf("Locate(Museum:m) = %+v, want %+v", locs["Museum:m"], want)
	}
	if trips != 2 || strips != 1 {
		t.Fatalf("statements: %d without a scope, %d with one; want 2 and 1", trips, strips)
	}
	// The caller may change what it got: the scope keeps its own copy.
	snodes["County:c"].Props["name"] = "changed"
	before := st.RoundTrips()
	again, err := st.Nodes(sctx, []string{"County:c"})
	if err != nil {
		t.Fatal(err)
	}
	if again["County:c"].Props["name"] != "C" || st.RoundTrips() != before {
		t.Fatalf("Nodes from the scope: %v (%d statements)", again["County:c"].Props, st.RoundTrips()-before)
	}
	// A write in the request: the next Nodes reads the server.
	if _, err := st.Write(sctx, []kepu.Change{{Kind: kepu.UpdateNode, ID: "County:c", Set: kepu.Props{"name": "C2"}}}); err != nil {
		t.Fatal(err)
	}
	got, err := st.Nodes(sctx, []string{"County:c"})
	if err != nil {
		t.Fatal(err)
	}
	if got["County:c"].Props["name"] != "C2" {
		t.Fatalf("after the write, Nodes in the scope gives %v", got["County:c"].Props)
	}
}
